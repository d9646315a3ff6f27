namespace OpenMemory.Build.Migrations.Tests.Behaviour;

public sealed class SqliteDriftClaims : DriftClaims
{
    protected override TestDatabase NewDatabase() => new SqliteTestDatabase(Path.Combine(Workspace.Root, "databases", $"{Guid.NewGuid():N}.sqlite"));

    protected override IReadOnlyList<(string Name, string Sql)> Fixture { get; } =
    [
        ("001_base.sql", """
            CREATE TABLE accounts (
              id INTEGER PRIMARY KEY,
              email TEXT NOT NULL UNIQUE,
              name TEXT,
              balance REAL NOT NULL DEFAULT 0 CHECK (balance >= 0),
              created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            CREATE TABLE notes (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
              body TEXT,
              body_length INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL
            );
            CREATE INDEX notes_account_idx ON notes (account_id);
            CREATE UNIQUE INDEX notes_body_partial ON notes (lower(body)) WHERE body IS NOT NULL;
            WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 50)
            INSERT INTO accounts (email, name) SELECT 'user' || i || '@example.com', 'User ' || i FROM g;
            INSERT INTO notes (account_id, body) SELECT id, 'note for ' || name FROM accounts;
            """),
        ("002_logic.sql", """
            CREATE VIEW account_notes AS
              SELECT a.id, a.email, count(n.id) AS notes FROM accounts a LEFT JOIN notes n ON n.account_id = a.id GROUP BY a.id, a.email;
            CREATE TRIGGER notes_touch AFTER UPDATE OF body ON notes BEGIN UPDATE accounts SET name = name WHERE id = NEW.account_id; END;
            ALTER TABLE accounts ADD COLUMN nickname TEXT;
            """),
    ];

    public override IReadOnlyList<(string Change, string Code, string Names)> HandChanges { get; } =
    [
        ("CREATE TABLE extra (id INTEGER);", "OMB7001", "table extra"),
        ("ALTER TABLE accounts ADD COLUMN flag INTEGER;", "OMB7002", "column accounts.flag: migrations say it does not exist, database has INTEGER NULL"),
        ("ALTER TABLE accounts DROP COLUMN nickname;", "OMB7002", "column accounts.nickname"),
        ("""
            PRAGMA foreign_keys = OFF;
            DROP VIEW account_notes;
            CREATE TABLE notes_new (id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT, body TEXT, body_length INTEGER GENERATED ALWAYS AS (length(body)) VIRTUAL);
            INSERT INTO notes_new (id, account_id, body) SELECT id, account_id, body FROM notes;
            DROP TABLE notes;
            ALTER TABLE notes_new RENAME TO notes;
            CREATE INDEX notes_account_idx ON notes (account_id);
            CREATE UNIQUE INDEX notes_body_partial ON notes (lower(body)) WHERE body IS NOT NULL;
            CREATE TRIGGER notes_touch AFTER UPDATE OF body ON notes BEGIN UPDATE accounts SET name = name WHERE id = NEW.account_id; END;
            CREATE VIEW account_notes AS
              SELECT a.id, a.email, count(n.id) AS notes FROM accounts a LEFT JOIN notes n ON n.account_id = a.id GROUP BY a.id, a.email;
            """, "OMB7003", "constraint notes.foreign key (account_id): migrations say FOREIGN KEY (account_id) REFERENCES accounts (id) ON UPDATE NO ACTION ON DELETE CASCADE, database has FOREIGN KEY (account_id) REFERENCES accounts (id) ON UPDATE NO ACTION ON DELETE RESTRICT"),
        ("DROP INDEX notes_account_idx;", "OMB7004", "index notes_account_idx"),
        ("CREATE INDEX tmp ON notes (body);", "OMB7004", "index tmp"),
        ("DROP VIEW account_notes;", "OMB7005", "view account_notes"),
        ("DROP TRIGGER notes_touch;", "OMB7008", "trigger notes.notes_touch"),
    ];

    protected override void WriteRealWorldSet(string folder) => Testing.RealWorldShapes.SqliteRebuilds(folder, 200);

    protected override string Snapshot(TestDatabase database)
    {
        var path = ((SqliteTestDatabase)database).Path;
        var files = string.Join(",", Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).Where(f => f!.StartsWith(Path.GetFileName(path), StringComparison.Ordinal)).Order());
        return $"{Sha256(path)} {files}";
    }
}
