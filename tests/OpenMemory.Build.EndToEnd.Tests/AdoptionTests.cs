using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>
/// Adoption through the packed SDK in consumers made from scratch: pop, golang-migrate and dbmate folders applied
/// unchanged where those tools keep them, and databases that pgdbm and Flyway migrated, continued.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class AdoptionTests(PackedPackages packages, PostgresFixture postgres)
{
    private readonly PostgresServer _server = postgres.Server;

    // Where each tool keeps its folder; the SDK finds migrations/ and db/migrations/ by itself.
    private static IEnumerable<(ForeignFolder Folder, string Path)> Folders(string provider) =>
    [
        (ForeignFolder.Pop(), "migrations"),
        (ForeignFolder.GolangMigrate(), "migrations"),
        (ForeignFolder.Dbmate(provider), Path.Combine("db", "migrations")),
    ];

    [Fact]
    public void Pop_golang_migrate_and_dbmate_folders_migrate_sqlite_as_sqlite3_would_and_then_nothing_is_pending()
    {
        foreach (var (folder, path) in Folders("sqlite"))
        {
            using var db = Consumer.WithSdk(packages, "Adopted");
            folder.WriteTo(db.Combine(path));

            var migrate = db.Dotnet("build", "-t:MigrateDatabase");
            Assert.True(migrate.Succeeded, folder.Shape + "\n" + migrate.Output);

            var reference = db.Combine("reference.sqlite");
            var raw = ForeignFolder.ApplyWithSqlite3(reference, folder.ReferenceFor("sqlite"));
            Assert.True(raw.Succeeded, raw.Output);
            Assert.Equal(ForeignFolder.SqliteContent(reference), ForeignFolder.SqliteContent(db.DatabasePath));

            var again = db.Dotnet("build", "-t:MigrateDatabase");
            Assert.True(again.Succeeded, again.Output);
            Assert.Contains("[MIGRATE] No pending migrations", again.Output);
        }
    }

    [Fact]
    public void Pop_golang_migrate_and_dbmate_folders_migrate_postgres_as_psql_would_and_then_nothing_is_pending()
    {
        foreach (var (folder, path) in Folders("postgres"))
        {
            using var db = Consumer.WithSdk(packages, "Adopted");
            folder.WriteTo(db.Combine(path));
            var database = _server.CreateDatabase();

            var migrate = db.Dotnet(Environment(database), "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationSchema=app",
                "-p:MigrationConnectionStringVariable=OMB_DB");
            Assert.True(migrate.Succeeded, folder.Shape + "\n" + migrate.Output);

            var reference = _server.CreateDatabase();
            var raw = ForeignFolder.ApplyWithPsql(_server, reference, "app", folder.ReferenceFor("postgres"));
            Assert.True(raw.Succeeded, raw.Output);
            Assert.Equal(ForeignFolder.PostgresContent(_server, reference, "app"), ForeignFolder.PostgresContent(_server, database, "app"));

            var again = db.Dotnet(Environment(database), "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationSchema=app",
                "-p:MigrationConnectionStringVariable=OMB_DB");
            Assert.True(again.Succeeded, again.Output);
            Assert.Contains("[MIGRATE] No pending migrations", again.Output);
        }
    }

    [Fact]
    public void A_database_pgdbm_migrated_is_continued_by_dotnet_build_and_pgdbm_can_still_record_in_it()
    {
        const string schema = "llmemory";
        var database = _server.CreateDatabase();
        using var db = Consumer.WithSdk(packages, "Memory");
        var initial = "CREATE TABLE memories (id uuid PRIMARY KEY, owner_id text NOT NULL, content text NOT NULL);";
        db.AddMigration("001_initial_schema.sql", initial);
        _server.Execute($"CREATE SCHEMA {schema};\n{PgdbmHistory.CreateTable(schema)}\nSET search_path TO {schema};\n{initial}\n"
            + PgdbmHistory.Insert(schema, "001_initial_schema.sql", "aword_memory", PgdbmHistory.Checksum(initial)), database);
        db.AddMigration("002_add_tags.sql", "ALTER TABLE memories ADD COLUMN tags text[];");

        var migrate = db.Dotnet(Environment(database), "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", $"-p:MigrationSchema={schema}",
            "-p:MigrationModule=aword_memory", "-p:MigrationConnectionStringVariable=OMB_DB");

        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Contains("[MIGRATE] Adopted pgdbm's schema_migrations", migrate.Output);
        Assert.Contains("[MIGRATE] Migration 002 completed successfully", migrate.Output);
        Assert.Equal(["001_initial_schema.sql <null>", "002_add_tags.sql 002"],
            _server.Rows($"SELECT filename || ' ' || coalesce(version, '<null>') FROM {schema}.schema_migrations ORDER BY id", database).Select(r => (string)r[0]!));
        _server.Execute(PgdbmHistory.Insert(schema, "003_from_pgdbm.sql", "aword_memory", PgdbmHistory.Checksum("SELECT 1;")), database);
    }

    [Fact]
    public void A_database_flyway_migrated_is_continued_by_dotnet_build_with_its_versions_baselined()
    {
        using var db = Consumer.WithSdk(packages, "Ledger");
        db.AddMigration("V1__accounts.sql", "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);");
        db.AddMigration("V1_1__seed.sql", "INSERT INTO accounts VALUES (1, 'ada');");
        db.AddMigration("V2__entries.sql", "CREATE TABLE entries (account_id INTEGER NOT NULL REFERENCES accounts (id), amount INTEGER NOT NULL);");
        Directory.CreateDirectory(Path.GetDirectoryName(db.DatabasePath)!);
        var setup = ProcessRunner.Run("sqlite3", [db.DatabasePath, """
            CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO accounts VALUES (1, 'ada');
            CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
              "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL,
              "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL);
            INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
              VALUES (1, '1', 'accounts', 'SQL', 'V1__accounts.sql', 1422245217, 'ci', 9, 1), (2, '1.1', 'seed', 'SQL', 'V1_1__seed.sql', -99120, 'ci', 2, 1);
            """]);
        Assert.True(setup.Succeeded, setup.Output);

        var migrate = db.Dotnet("build", "-t:MigrateDatabase");

        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Contains("[MIGRATE] Found flyway_schema_history (Flyway): 2 applied version(s)", migrate.Output);
        Assert.Contains("[MIGRATE] Migration 2 completed successfully", migrate.Output);
        Assert.Equal(["1 baselined", "1.1 baselined", "2 applied"], db.Query("SELECT version || ' ' || kind FROM schema_migrations ORDER BY rowid"));
        Assert.Equal(["1"], db.Query("SELECT count(*) FROM accounts"));
    }

    private Dictionary<string, string?> Environment(string database) => new() { ["OMB_DB"] = _server.ConnectionString(database) };
}
