using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDriftClaims(PostgresFixture fixture) : DriftClaims
{
    private const string AppRole = "omb_drift_app";

    protected override TestDatabase NewDatabase()
    {
        fixture.Server.Execute($"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{AppRole}') THEN CREATE ROLE {AppRole}; END IF; END $$");
        return new PostgresTestDatabase(fixture.Server, fixture.Server.CreateDatabase("drift"), "app") { AppRole = AppRole };
    }

    protected override IReadOnlyList<(string Name, string Sql)> Fixture { get; } =
    [
        ("001_base.sql", """
            CREATE EXTENSION IF NOT EXISTS citext SCHEMA public;
            CREATE TYPE mood AS ENUM ('happy', 'sad');
            CREATE TABLE accounts (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              email public.citext NOT NULL UNIQUE,
              name varchar(50),
              mood mood NOT NULL DEFAULT 'happy',
              balance numeric(12,2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
              email_domain text GENERATED ALWAYS AS (split_part(email::text, '@', 2)) STORED,
              created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 10;
            CREATE TABLE notes (
              id serial PRIMARY KEY,
              account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
              body text,
              invoice integer DEFAULT nextval('invoice_numbers')
            );
            CREATE INDEX notes_account_idx ON notes (account_id);
            CREATE UNIQUE INDEX notes_body_partial ON notes (lower(body)) WHERE body IS NOT NULL;
            CREATE INDEX notes_body_hash ON notes USING hash (body);
            INSERT INTO accounts (email, name) SELECT 'user' || g || '@example.com', 'User ' || g FROM generate_series(1, 50) g;
            INSERT INTO notes (account_id, body) SELECT id, 'note for ' || name FROM accounts;
            """),
        ("002_logic.sql", """
            CREATE FUNCTION account_label(a accounts) RETURNS text LANGUAGE sql STABLE AS $$ SELECT a.name || ' <' || a.email || '>' $$;
            CREATE PROCEDURE archive_notes(cutoff integer) LANGUAGE plpgsql AS $$ BEGIN DELETE FROM notes WHERE id < cutoff; END $$;
            CREATE FUNCTION touch_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := coalesce(NEW.body, ''); RETURN NEW; END $$;
            CREATE TRIGGER notes_touch BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch_note();
            CREATE VIEW account_notes AS
              SELECT a.id, a.email, count(n.id) AS notes FROM accounts a LEFT JOIN notes n ON n.account_id = a.id GROUP BY a.id, a.email;
            CREATE MATERIALIZED VIEW note_counts AS SELECT account_id, count(*) AS n FROM notes GROUP BY account_id;
            """),
    ];

    public override IReadOnlyList<(string Change, string Code, string Names)> HandChanges { get; } =
    [
        ("CREATE TABLE app.extra (id int)", "OMB7001", "table app.extra"),
        ("ALTER TABLE app.accounts ADD COLUMN nickname text", "OMB7002", "column app.accounts.nickname"),
        ("ALTER TABLE app.accounts ALTER COLUMN name TYPE varchar(64)", "OMB7002", "column app.accounts.name: migrations say character varying(50) NULL, database has character varying(64) NULL"),
        ("ALTER TABLE app.accounts ALTER COLUMN name SET NOT NULL", "OMB7002", "app.accounts.name"),
        ("ALTER TABLE app.notes ALTER COLUMN invoice SET DEFAULT 7", "OMB7002", "app.notes.invoice"),
        ("ALTER TABLE app.accounts DROP CONSTRAINT accounts_balance_check", "OMB7003", "app.accounts.accounts_balance_check"),
        ("ALTER TABLE app.notes ADD CONSTRAINT notes_body_length CHECK (length(body) < 1000)", "OMB7003", "app.notes.notes_body_length"),
        ("DROP INDEX app.notes_account_idx", "OMB7004", "index app.notes_account_idx"),
        ("DROP INDEX app.notes_body_partial; CREATE UNIQUE INDEX notes_body_partial ON app.notes (lower(body))", "OMB7004", "index app.notes_body_partial"),
        ("CREATE OR REPLACE VIEW app.account_notes AS SELECT a.id, a.email, count(n.id) + 0 AS notes FROM app.accounts a LEFT JOIN app.notes n ON n.account_id = a.id GROUP BY a.id, a.email", "OMB7005", "view app.account_notes"),
        ("DROP MATERIALIZED VIEW app.note_counts", "OMB7005", "materialized view app.note_counts"),
        ("ALTER SEQUENCE app.invoice_numbers INCREMENT 5", "OMB7006", "sequence app.invoice_numbers"),
        ("CREATE OR REPLACE FUNCTION app.account_label(a app.accounts) RETURNS text LANGUAGE sql STABLE AS $$ SELECT a.name $$", "OMB7007", "function app.account_label(a accounts)"),
        ("DROP PROCEDURE app.archive_notes(integer)", "OMB7007", "procedure app.archive_notes(IN cutoff integer)"),
        ("DROP TRIGGER notes_touch ON app.notes", "OMB7008", "trigger app.notes.notes_touch"),
        ("ALTER TYPE app.mood ADD VALUE 'calm'", "OMB7009", "enum app.mood"),
        ("CREATE EXTENSION pgcrypto SCHEMA public", "OMB7010", "extension pgcrypto"),
        ($"REVOKE SELECT ON app.accounts FROM {AppRole}", "OMB7011", $"grant app.accounts to {AppRole}: migrations say DELETE, INSERT, SELECT, UPDATE, database has DELETE, INSERT, UPDATE"),
    ];

    protected override void WriteRealWorldSet(string folder) => RealWorldShapes.PostgresService(folder, 300);

    protected override string Snapshot(TestDatabase database)
    {
        var postgres = (PostgresTestDatabase)database;
        var leftovers = fixture.Server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'").Count
            + postgres.Server.Rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'omb\\_drift\\_%'", postgres.Database).Count;
        return $"{postgres.Server.PgDump(postgres.Database, "--no-owner")}\nleftover scratch copies: {leftovers}";
    }

    [Fact]
    public void A_scratch_left_by_a_killed_run_is_removed_by_the_next_run_and_one_in_use_is_not()
    {
        var database = Migrated();
        // A scratch is named after the server process of the connection that keeps it: one whose process is gone is a leftover.
        fixture.Server.Execute("CREATE DATABASE omb_drift_1_deadbeef");
        using var owner = new Npgsql.NpgsqlConnection(fixture.Server.ConnectionString());
        owner.Open();
        var inUse = $"omb_drift_{owner.ProcessID}_inuse";
        fixture.Server.Execute($"CREATE DATABASE {inUse}");

        var result = Drift(database);

        Assert.True(result.Succeeded, Workspace.Explain(result));
        var left = fixture.Server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'").Select(r => (string)r[0]!).ToList();
        Assert.Equal([inUse], left);
        owner.Close();
        Thread.Sleep(200);
        Assert.True(Drift(database).Succeeded);
        Assert.Empty(fixture.Server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'"));
    }

    [Fact]
    public void A_role_that_cannot_create_databases_gets_a_temporary_schema_and_it_is_removed()
    {
        var database = (PostgresTestDatabase)Migrated();
        var user = $"nocreatedb_{Guid.NewGuid():N}"[..20];
        fixture.Server.Execute($"CREATE ROLE {user} LOGIN PASSWORD 'pw-{user}' NOCREATEDB; GRANT ALL ON DATABASE \"{database.Database}\" TO {user}; ");
        database.Execute($"GRANT ALL ON SCHEMA app TO {user}; GRANT SELECT ON ALL TABLES IN SCHEMA app TO {user}; GRANT ALL ON SCHEMA public TO {user};");
        var before = Snapshot(database);

        var result = Workspace.Run(new MigrationOptions
        {
            Module = "test",
            Provider = "postgres",
            ConnectionString = fixture.Server.ConnectionString(database.Database, user, $"pw-{user}"),
            Schema = "app",
            AppRole = database.AppRole,
            Mode = MigrationMode.Drift,
        });

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.Equal(before, Snapshot(database));
    }

    [Fact]
    public async Task Drift_through_a_callers_data_source_builds_a_temporary_schema_and_removes_it()
    {
        var database = (PostgresTestDatabase)Migrated();
        await using var source = Npgsql.NpgsqlDataSource.Create(fixture.Server.ConnectionString(database.Database));
        var before = Snapshot(database);

        var result = await new Migrator().MigrateAsync(Workspace.MigrationsFolder, new MigrationOptions
        {
            Module = "test", Provider = "postgres", DataSource = source, Schema = "app", AppRole = database.AppRole, Mode = MigrationMode.Drift,
        });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(before, Snapshot(database));
        database.Execute("ALTER TABLE app.notes ADD COLUMN hotfix text");
        var drifted = await new Migrator().MigrateAsync(Workspace.MigrationsFolder, new MigrationOptions
        {
            Module = "test", Provider = "postgres", DataSource = source, Schema = "app", AppRole = database.AppRole, Mode = MigrationMode.Drift,
        });
        Assert.Equal(["column app.notes.hotfix"], drifted.Drift.Select(d => $"{d.Kind} {d.Name}"));
    }

    [Fact]
    public void A_role_that_can_create_neither_a_database_nor_a_schema_gets_OMB7014_and_the_database_is_unchanged()
    {
        var database = (PostgresTestDatabase)Migrated();
        var user = $"reader_{Guid.NewGuid():N}"[..16];
        fixture.Server.Execute($"CREATE ROLE {user} LOGIN PASSWORD 'pw-{user}' NOCREATEDB; REVOKE CREATE ON DATABASE \"{database.Database}\" FROM PUBLIC;");
        database.Execute($"GRANT USAGE ON SCHEMA app TO {user}; GRANT SELECT ON ALL TABLES IN SCHEMA app TO {user};");
        var before = Snapshot(database);

        var result = Workspace.Run(new MigrationOptions
        {
            Module = "test", Provider = "postgres", ConnectionString = fixture.Server.ConnectionString(database.Database, user, $"pw-{user}"),
            Schema = "app", Mode = MigrationMode.Drift,
        });

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB7014", error.Code);
        Assert.Contains("Grant the migrator role CREATEDB", error.Message);
        Assert.Equal(before, Snapshot(database));
    }

    [Fact]
    public async Task A_cancelled_drift_run_removes_its_scratch_database()
    {
        var database = Migrated();
        Workspace.Add("003_slow.sql", "SELECT pg_sleep(3);");
        Assert.True(Workspace.Run(database.Options()).Succeeded);
        var options = database.Options();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));

        var result = await new Migrator().MigrateAsync(Workspace.MigrationsFolder, new MigrationOptions
        {
            Module = "test", Provider = "postgres", ConnectionString = options.ConnectionString, Schema = options.Schema, AppRole = options.AppRole, Mode = MigrationMode.Drift,
        }, cancellation.Token);

        Assert.Equal("OMB4009", Assert.Single(result.Errors).Code);
        Assert.Empty(fixture.Server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'"));
    }

    [Fact]
    public async Task Drift_over_fan_out_targets_lists_the_drifted_tenants()
    {
        var databaseName = fixture.Server.CreateDatabase("tenants");
        Workspace.Add("001_notes.sql", "CREATE TABLE notes (id int PRIMARY KEY, body text);");
        var connection = fixture.Server.ConnectionString(databaseName);
        MigrationOptions Options(MigrationMode mode) => new()
        {
            Module = "test", Provider = "postgres", ConnectionString = connection, Mode = mode,
            Targets = [new MigrationTarget("tenant_a"), new MigrationTarget("tenant_b"), new MigrationTarget("tenant_c")],
        };
        Assert.True((await new Migrator().MigrateAsync(Workspace.MigrationsFolder, Options(MigrationMode.Apply))).Succeeded);
        fixture.Server.Execute("ALTER TABLE tenant_b.notes ADD COLUMN hotfix text", databaseName);

        var result = await new Migrator(Workspace.Log).MigrateAsync(Workspace.MigrationsFolder, Options(MigrationMode.Drift));

        Assert.False(result.Succeeded);
        Assert.Equal(["tenant_b"], result.Targets.Where(t => t.Result.Drift.Count > 0).Select(t => t.Name));
        Assert.Contains("column tenant_b.notes.hotfix", Assert.Single(result.Errors).Message);
        Assert.Contains(Workspace.Log.Lines, l => l.Contains("tenant_b") && l.Contains("drifted (1)"));
    }
}
