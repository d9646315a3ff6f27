using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

[Collection(PackedPackagesCollection.Name)]
public sealed class SqliteConsumerTests(PackedPackages packages)
{
    [Fact]
    public void A_database_project_on_the_sdk_validates_on_build_and_migrates_on_request()
    {
        using var db = Consumer.WithSdk(packages);
        var migration = db.AddMigration("001_init.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);");
        db.AddMigration("002_tags.sql", "ALTER TABLE notes ADD COLUMN IF NOT EXISTS tags TEXT;");

        var build = db.Dotnet("build");
        Assert.True(build.Succeeded, build.Output);
        Assert.True(File.Exists(db.Combine("migrations.lock.json")), build.Output);
        Assert.False(File.Exists(db.DatabasePath), "a plain build must not touch the database\n" + build.Output);
        Assert.Empty(Directory.Exists(db.Combine("bin")) ? Directory.GetFiles(db.Combine("bin"), "*.dll", SearchOption.AllDirectories) : []);

        var migrate = db.Dotnet("build", "-t:MigrateDatabase");
        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Contains("[MIGRATE] Migration 002 completed successfully", migrate.Output);
        Assert.Equal(["001", "002"], db.Query("SELECT version FROM schema_migrations ORDER BY version"));

        var again = db.Dotnet("build", "-t:MigrateDatabase");
        Assert.True(again.Succeeded, again.Output);
        Assert.Contains("[MIGRATE] No pending migrations: the database is up to date (version 002)", again.Output);

        File.AppendAllText(migration, "\nCREATE INDEX notes_body ON notes(body);");
        var before = File.ReadAllBytes(db.DatabasePath);
        var modified = db.Dotnet("build", "-t:MigrateDatabase");
        Assert.False(modified.Succeeded, modified.Output);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(modified.Output, System.Text.RegularExpressions.Regex.Escape(migration) + @"(\(\d+(,\d+)?\))? ?: error OMB3001:"), modified.Output);
        Assert.Equal(before, File.ReadAllBytes(db.DatabasePath));
    }

    [Fact]
    public void Publish_ships_the_migrations_and_an_idempotent_deploy_script_and_migrates_only_when_asked()
    {
        using var db = Consumer.WithSdk(packages);
        foreach (var file in Directory.GetFiles(RepositoryPaths.SampleMigrations))
        {
            db.AddMigration(Path.GetFileName(file), File.ReadAllText(file));
        }

        // A repeatable in a Repeatables/ folder keeps its folder in the published copy.
        db.AddMigration(Path.Combine("Repeatables", "memory_count.sql"), "DROP VIEW IF EXISTS memory_count;\nCREATE VIEW memory_count AS SELECT count(*) AS n FROM {{tables.memories}};");

        var publish = db.Dotnet("publish", "-o", db.Combine("out"));
        Assert.True(publish.Succeeded, publish.Output);
        Assert.False(File.Exists(db.DatabasePath), publish.Output);
        Assert.True(File.Exists(db.Combine("out", "migrations", "Repeatables", "memory_count.sql")), publish.Output);
        var script = db.Combine("out", "migrations", "deploy.sqlite.sh");
        Assert.True(File.Exists(script), publish.Output);
        Assert.True(File.Exists(db.Combine("out", "migrations", "1.2.0_multi-user_tenant_support.sqlite.sql")));

        var target = db.Combine("deployed", "app.sqlite");
        var first = ProcessRunner.Run("sh", [script, target]);
        Assert.True(first.Succeeded, first.Output);
        Assert.Contains("Running migration: 1.2.0", first.Output);
        Assert.Contains("Running migration: R__memory_count", first.Output);
        var second = ProcessRunner.Run("sh", [script, target]);
        Assert.True(second.Succeeded, second.Output);
        Assert.DoesNotContain("Running migration", second.Output);

        var migrate = db.Dotnet("publish", "-o", db.Combine("out"), "-p:MigrateOnPublish=true");
        Assert.True(migrate.Succeeded, migrate.Output);
        const string history = "SELECT version || ' ' || filename || ' ' || checksum FROM schema_migrations ORDER BY version";
        Assert.Equal(db.Query(history), db.Query(history, target));
        const string schema = "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
        Assert.Equal(db.Query(schema), db.Query(schema, target));
    }

    [Fact]
    public void An_ordinary_console_app_referencing_the_task_package_builds_migrates_and_publishes()
    {
        using var app = Consumer.ConsoleAppWithPackage(packages);
        app.AddMigration("001_init.sql", "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);");

        var build = app.Dotnet("build");
        Assert.True(build.Succeeded, build.Output);
        Assert.True(File.Exists(app.Combine("bin", "Debug", "net10.0", "App.dll")), build.Output);
        Assert.False(File.Exists(app.DatabasePath), build.Output);

        var migrate = app.Dotnet("build", "-t:MigrateDatabase");
        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Equal(["001"], app.Query("SELECT version FROM schema_migrations"));

        var publish = app.Dotnet("publish", "-o", app.Combine("out"));
        Assert.True(publish.Succeeded, publish.Output);
        Assert.True(File.Exists(app.Combine("out", "App.dll")));
        Assert.True(File.Exists(app.Combine("out", "migrations", "deploy.sqlite.sh")), publish.Output);
        Assert.False(File.Exists(app.Combine("out", "OpenMemory.Build.Tasks.dll")), "a development dependency must not ship with the app");
    }

    [Fact]
    public void Two_builds_in_a_row_in_one_reused_msbuild_node_both_succeed()
    {
        using var db = Consumer.WithSdk(packages);
        db.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        // Out-of-process worker node that stays alive between builds: the task DLL stays loaded in it.
        var reuse = new Dictionary<string, string?> { ["MSBUILDNOINPROCNODE"] = "1" };
        try
        {
            var first = db.Dotnet(reuse, "build", "-t:MigrateDatabase", "-nodeReuse:true");
            Assert.True(first.Succeeded, first.Output);
            db.AddMigration("002_more.sql", "CREATE TABLE b (id INTEGER);");
            var second = db.Dotnet(reuse, "build", "-t:MigrateDatabase", "-nodeReuse:true");
            Assert.True(second.Succeeded, second.Output);
            Assert.Contains("[MIGRATE] Migration 002 completed successfully", second.Output);
            Assert.Equal(["001", "002"], db.Query("SELECT version FROM schema_migrations ORDER BY version"));
        }
        finally
        {
            db.Dotnet("build-server", "shutdown", "--msbuild");
        }
    }
}
