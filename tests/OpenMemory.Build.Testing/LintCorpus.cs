namespace OpenMemory.Build.Testing;

/// <summary>
/// One lint case: a migration that should trigger <see cref="Code"/> (at the <c>/*!*/</c> mark) and its safe rewrite.
/// <see cref="Also"/> lists codes the dangerous or safe form also rightly gets (dropping an indexed SQLite column
/// is destructive as well). Each runs after <see cref="LintCorpus.PostgresSetup"/> or <see cref="LintCorpus.SqliteSetup"/>,
/// so the tables it touches already exist.
/// </summary>
public sealed record LintCase(string Code, string Provider, string Name, string Dangerous, string Safe, params string[] Also)
{
    public const string Mark = "/*!*/";

    public string DangerousText => Dangerous.Replace(Mark, "");

    /// <summary>1-based line and column of the mark in the dangerous text.</summary>
    public (int Line, int Column) Expected
    {
        get
        {
            var offset = Dangerous.IndexOf(Mark, StringComparison.Ordinal);
            var before = Dangerous[..offset];
            var line = before.Count(c => c == '\n') + 1;
            return (line, offset - (before.LastIndexOf('\n') + 1) + 1);
        }
    }

    public override string ToString() => $"{Code} {Provider} {Name}";
}

/// <summary>
/// Dangerous and safe migrations, one pair per case, shaped like the migrations services accumulate: used by the
/// lint tests (each rule, both ways) and by the benchmark's comparison with squawk.
/// </summary>
public static class LintCorpus
{
    public const string PostgresSetup = """
        CREATE TABLE accounts (
          id bigint PRIMARY KEY,
          email text,
          name varchar(50),
          plan text,
          amount numeric(10,2),
          created_at timestamptz DEFAULT now()
        );
        CREATE TABLE orders (
          id bigint PRIMARY KEY,
          account_id bigint,
          total numeric(12,2),
          status text
        );
        CREATE TABLE events (id bigint, payload jsonb);
        CREATE INDEX accounts_email_idx ON accounts (email);
        CREATE UNIQUE INDEX events_id_idx ON events (id);
        """;

    public const string SqliteSetup = """
        CREATE TABLE accounts (
          id INTEGER PRIMARY KEY,
          email TEXT,
          name TEXT,
          plan TEXT
        );
        CREATE TABLE orders (
          id INTEGER PRIMARY KEY,
          account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
          total REAL
        );
        CREATE INDEX accounts_email_idx ON accounts (email);
        """;

    private const string Timeout = "SET lock_timeout = '5s';\n";
    private const string NoTransaction = "-- omb:no-transaction\n";

    private static LintCase Pg(string code, string name, string dangerous, string safe, params string[] also) =>
        new(code, "postgres", name, dangerous, safe, also);

    private static LintCase Lite(string code, string name, string dangerous, string safe, params string[] also) =>
        new(code, "sqlite", name, dangerous, safe, also);

    public static IReadOnlyList<LintCase> Postgres { get; } =
    [
        Pg("OMB6001", "index", Timeout + "/*!*/CREATE INDEX orders_status_idx ON orders (status);",
            NoTransaction + Timeout + "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);"),
        Pg("OMB6001", "unique index, qualified, USING", Timeout + "/*!*/CREATE UNIQUE INDEX IF NOT EXISTS accounts_name_key ON public.accounts USING btree (name);",
            NoTransaction + Timeout + "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_name_key ON public.accounts USING btree (name);"),
        Pg("OMB6002", "concurrent index in a transaction", Timeout + "CREATE INDEX /*!*/CONCURRENTLY orders_total_idx ON orders (total);",
            NoTransaction + Timeout + "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);"),
        Pg("OMB6002", "concurrent drop in a transaction", Timeout + "DROP INDEX /*!*/CONCURRENTLY accounts_email_idx;",
            NoTransaction + Timeout + "DROP INDEX CONCURRENTLY accounts_email_idx;"),
        Pg("OMB6003", "required column", Timeout + "ALTER TABLE accounts ADD COLUMN tier text /*!*/NOT NULL;",
            Timeout + "ALTER TABLE accounts ADD COLUMN tier text NOT NULL DEFAULT 'basic';"),
        Pg("OMB6003", "required column, IF NOT EXISTS", Timeout + "ALTER TABLE orders ADD COLUMN IF NOT EXISTS currency text /*!*/NOT NULL;",
            Timeout + "ALTER TABLE orders ADD COLUMN IF NOT EXISTS currency text;"),
        Pg("OMB6004", "uuid default", Timeout + "ALTER TABLE accounts /*!*/ADD COLUMN token uuid DEFAULT gen_random_uuid();",
            Timeout + "ALTER TABLE accounts ADD COLUMN token uuid;\nALTER TABLE accounts ALTER COLUMN token SET DEFAULT gen_random_uuid();"),
        Pg("OMB6004", "serial column", Timeout + "ALTER TABLE orders /*!*/ADD COLUMN seq bigserial;",
            Timeout + "ALTER TABLE orders ADD COLUMN seq bigint;"),
        Pg("OMB6004", "clock_timestamp default", Timeout + "ALTER TABLE orders /*!*/ADD COLUMN placed_at timestamptz DEFAULT clock_timestamp();",
            Timeout + "ALTER TABLE orders ADD COLUMN placed_at timestamptz DEFAULT now();"),
        Pg("OMB6005", "narrower numeric", Timeout + "ALTER TABLE orders /*!*/ALTER COLUMN total TYPE numeric(8,2);",
            Timeout + "ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);"),
        Pg("OMB6005", "numeric to integer with USING", Timeout + "ALTER TABLE accounts /*!*/ALTER COLUMN amount SET DATA TYPE integer USING amount::integer;",
            Timeout + "ALTER TABLE accounts ALTER COLUMN name TYPE text;"),
        Pg("OMB6006", "set not null", Timeout + "ALTER TABLE accounts /*!*/ALTER COLUMN email SET NOT NULL;",
            Timeout + "ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
                + "ALTER TABLE accounts VALIDATE CONSTRAINT accounts_email_nn;\nALTER TABLE accounts ALTER COLUMN email SET NOT NULL;"),
        Pg("OMB6006", "set not null, second table", Timeout + "ALTER TABLE orders /*!*/ALTER COLUMN status SET NOT NULL;",
            Timeout + "ALTER TABLE orders ADD CONSTRAINT orders_status_nn CHECK (status IS NOT NULL) NOT VALID;\n"
                + "ALTER TABLE orders VALIDATE CONSTRAINT orders_status_nn;\nALTER TABLE orders ALTER COLUMN status SET NOT NULL;"),
        Pg("OMB6007", "foreign key", Timeout + "ALTER TABLE orders /*!*/ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);",
            Timeout + "ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;"),
        Pg("OMB6007", "check constraint", Timeout + "ALTER TABLE orders /*!*/ADD CONSTRAINT orders_total_positive CHECK (total >= 0);",
            Timeout + "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;"),
        Pg("OMB6008", "rename column", Timeout + "ALTER TABLE accounts /*!*/RENAME COLUMN name TO display_name;",
            Timeout + "ALTER TABLE accounts ADD COLUMN display_name varchar(50);"),
        Pg("OMB6008", "rename table", Timeout + "ALTER TABLE orders /*!*/RENAME TO purchases;",
            "CREATE VIEW purchases AS SELECT * FROM orders;"),
        Pg("OMB6009", "drop column", Timeout + "ALTER TABLE accounts /*!*/DROP COLUMN plan;",
            "COMMENT ON COLUMN accounts.plan IS 'unused since 4.2; dropped in a later release';"),
        Pg("OMB6009", "drop table", Timeout + "/*!*/DROP TABLE orders;",
            "COMMENT ON TABLE orders IS 'unused since 4.2; dropped in a later release';"),
        Pg("OMB6010", "lock table", "/*!*/LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;\nUPDATE accounts SET plan = 'basic' WHERE plan IS NULL;",
            "UPDATE accounts SET plan = 'basic' WHERE plan IS NULL;"),
        Pg("OMB6010", "cluster", "/*!*/CLUSTER accounts USING accounts_pkey;", "ANALYZE accounts;"),
        Pg("OMB6010", "vacuum full", NoTransaction + "/*!*/VACUUM FULL accounts;", NoTransaction + "VACUUM (ANALYZE) accounts;"),
        Pg("OMB6011", "no lock_timeout", "/*!*/ALTER TABLE accounts ADD COLUMN note text;",
            Timeout + "ALTER TABLE accounts ADD COLUMN note text;"),
        Pg("OMB6011", "no lock_timeout, drop constraint", "/*!*/ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;",
            "SET LOCAL lock_timeout = '2s';\nALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_check;"),
        Pg("OMB6012", "reindex index", NoTransaction + "/*!*/REINDEX INDEX accounts_email_idx;",
            NoTransaction + "REINDEX INDEX CONCURRENTLY accounts_email_idx;"),
        Pg("OMB6012", "reindex table", NoTransaction + "/*!*/REINDEX TABLE orders;",
            NoTransaction + "REINDEX TABLE CONCURRENTLY orders;"),
        Pg("OMB6013", "unique constraint", Timeout + "ALTER TABLE accounts /*!*/ADD CONSTRAINT accounts_email_key UNIQUE (email);",
            Timeout + "ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE USING INDEX accounts_email_idx;"),
        Pg("OMB6013", "primary key", Timeout + "ALTER TABLE events /*!*/ADD PRIMARY KEY (id);",
            Timeout + "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;"),
        Pg("OMB6014", "begin and commit", "/*!*/BEGIN;\nUPDATE accounts SET plan = 'basic' WHERE plan IS NULL;\nCOMMIT;",
            NoTransaction + "BEGIN;\nUPDATE accounts SET plan = 'basic' WHERE plan IS NULL;\nCOMMIT;"),
        Pg("OMB6014", "commit", "UPDATE orders SET status = 'open' WHERE status IS NULL;\n/*!*/COMMIT;",
            "UPDATE orders SET status = 'open' WHERE status IS NULL;"),
    ];

    public static IReadOnlyList<LintCase> Sqlite { get; } =
    [
        Lite("OMB6101", "required column", "ALTER TABLE accounts /*!*/ADD COLUMN tier TEXT NOT NULL;",
            "ALTER TABLE accounts ADD COLUMN tier TEXT NOT NULL DEFAULT 'basic';"),
        Lite("OMB6101", "non-constant default", "ALTER TABLE accounts /*!*/ADD COLUMN updated_at TEXT DEFAULT CURRENT_TIMESTAMP;",
            "ALTER TABLE accounts ADD COLUMN updated_at TEXT DEFAULT '1970-01-01 00:00:00';"),
        Lite("OMB6101", "unique column", "ALTER TABLE accounts /*!*/ADD COLUMN handle TEXT UNIQUE;",
            "ALTER TABLE accounts ADD COLUMN handle TEXT;\nCREATE UNIQUE INDEX accounts_handle_key ON accounts (handle);"),
        Lite("OMB6101", "add constraint", "ALTER TABLE accounts /*!*/ADD CONSTRAINT accounts_email_key UNIQUE (email);",
            "CREATE UNIQUE INDEX accounts_email_key ON accounts (email);"),
        Lite("OMB6101", "rename column needs 3.25", "ALTER TABLE accounts /*!*/RENAME COLUMN name TO display_name;",
            "ALTER TABLE accounts ADD COLUMN display_name TEXT;"),
        Lite("OMB6102", "rebuild after foreign_keys = ON", """
            -- omb:no-transaction
            PRAGMA foreign_keys = ON;
            CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, plan TEXT);
            INSERT INTO accounts_new SELECT id, coalesce(email, ''), name, plan FROM accounts;
            /*!*/DROP TABLE accounts;
            ALTER TABLE accounts_new RENAME TO accounts;
            CREATE INDEX accounts_email_idx ON accounts (email);
            """, """
            -- omb:no-transaction
            CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, plan TEXT);
            INSERT INTO accounts_new SELECT id, coalesce(email, ''), name, plan FROM accounts;
            DROP TABLE accounts;
            ALTER TABLE accounts_new RENAME TO accounts;
            CREATE INDEX accounts_email_idx ON accounts (email);
            """),
        Lite("OMB6103", "drop indexed column", "ALTER TABLE accounts /*!*/DROP COLUMN email;",
            "DROP INDEX accounts_email_idx;\nALTER TABLE accounts DROP COLUMN email;", "OMB6009", "OMB6101"),
        Lite("OMB6103", "drop referencing column", "ALTER TABLE orders /*!*/DROP COLUMN account_id;",
            "ALTER TABLE orders DROP COLUMN total;", "OMB6009", "OMB6101"),
        Lite("OMB6009", "drop table", "/*!*/DROP TABLE orders;", "DELETE FROM orders WHERE total IS NULL;"),
        Lite("OMB6014", "begin", "/*!*/BEGIN TRANSACTION;\nUPDATE accounts SET plan = 'basic';\nCOMMIT;",
            "UPDATE accounts SET plan = 'basic';"),
    ];
}
