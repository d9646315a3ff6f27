using OpenMemory.Build.Testing;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

[Collection(MSBuildCollection.Name)]
public sealed class MigrateDatabaseTargetTests : IDisposable
{
    private readonly ConsumerProject _project = new();

    [Fact]
    public void The_target_applies_pending_migrations_with_the_documented_messages_and_then_finds_nothing_pending()
    {
        _project.AddMigration("1.1.0_baseline.sql", "CREATE TABLE memories (id TEXT PRIMARY KEY);");
        _project.AddMigration("1.2.0_multi-user_tenant_support.sql", "ALTER TABLE memories ADD COLUMN user_id TEXT;");

        var first = _project.Build();
        Assert.True(first.Succeeded, first.Log);
        Assert.Contains("[MIGRATE] Checking for pending migrations...", first.Log);
        Assert.Contains("[MIGRATE] Current database version: none", first.Log);
        Assert.Contains("[MIGRATE] Running migration: 1.2.0 - Multi-user tenant support", first.Log);
        Assert.Matches(@"\[MIGRATE\] Migration 1\.2\.0 completed successfully \(\d+ ms\)", first.Log);
        Assert.Contains("[MIGRATE] All migrations completed", first.Log);
        Assert.Equal(["1.1.0", "1.2.0"], SqliteQuery.Column(_project.DatabasePath, "SELECT version FROM schema_migrations WHERE module_name = 'Consumer' ORDER BY version"));

        var second = _project.Build();
        Assert.True(second.Succeeded, second.Log);
        Assert.Contains("[MIGRATE] No pending migrations: the database is up to date (version 1.2.0)", second.Log);
    }

    [Fact]
    public void A_rollback_runs_only_when_asked_for_with_a_target_and_never_from_build_or_publish()
    {
        _project.AddMigration("001_a.sql", "CREATE TABLE a (id INTEGER);");
        _project.AddMigration("001_a.down.sql", "DROP TABLE a;");
        _project.AddMigration("002_b.sql", "CREATE TABLE b (id INTEGER);");
        _project.AddMigration("002_b.down.sql", "DROP TABLE b;");
        Assert.True(_project.Build().Succeeded);
        var before = File.ReadAllBytes(_project.DatabasePath);

        var fromBuild = _project.Build("Build", new Dictionary<string, string> { ["MigrateOnBuild"] = "true", ["MigrationMode"] = "Rollback", ["MigrationTargetVersion"] = "001" });
        Assert.False(fromBuild.Succeeded);
        Assert.Equal("OMB2015", Assert.Single(fromBuild.Errors).Code);
        var withoutTarget = _project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Rollback" });
        Assert.Equal("OMB2012", Assert.Single(withoutTarget.Errors).Code);
        Assert.Equal(before, File.ReadAllBytes(_project.DatabasePath));

        var rollback = _project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Rollback", ["MigrationTargetVersion"] = "001" });

        Assert.True(rollback.Succeeded, rollback.Log);
        Assert.Contains("[MIGRATE] Migration 002 rolled back", rollback.Log);
        Assert.Equal(["001"], SqliteQuery.Column(_project.DatabasePath, "SELECT version FROM schema_migrations"));
        Assert.Empty(SqliteQuery.Column(_project.DatabasePath, "SELECT name FROM sqlite_master WHERE name = 'b'"));
    }

    [Fact]
    public void MigrationTarget_items_migrate_each_sqlite_file_and_a_bad_target_is_a_coded_error()
    {
        using var project = new ConsumerProject("Tenants", extraItems: """
            <MigrationTarget Include="alpha" SqliteDatabase="tenants/alpha.sqlite" />
            <MigrationTarget Include="beta" SqliteDatabase="tenants/beta.sqlite" />
            """);
        project.AddMigration("001_a.sql", "CREATE TABLE a (id INTEGER);");
        project.AddMigration("002_b.sql", "CREATE TABLE b (id INTEGER);");

        var outcome = project.Build(properties: new Dictionary<string, string> { ["MigrationMaxParallelism"] = "2" });

        Assert.True(outcome.Succeeded, outcome.Log);
        foreach (var tenant in new[] { "alpha", "beta" })
        {
            Assert.Equal(["001", "002"], SqliteQuery.Column(project.Combine("tenants", $"{tenant}.sqlite"), "SELECT version FROM schema_migrations ORDER BY version"));
        }

        Assert.Contains("[MIGRATE] 2 target(s): 2 ok, 0 failed, 0 skipped; 4 migration(s) applied", outcome.Log);
        var shard = project.Build(properties: new Dictionary<string, string> { ["MigrationTargetShard"] = "2/2" });
        Assert.Equal("OMB2016", Assert.Single(shard.Errors).Code);
    }

    [Fact]
    public void A_modified_applied_migration_fails_the_build_with_a_coded_error_located_at_the_file()
    {
        var file = _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        Assert.True(_project.Build().Succeeded);
        File.AppendAllText(file, " ");
        File.AppendAllText(file, "-- edited");
        var before = File.ReadAllBytes(_project.DatabasePath);

        var outcome = _project.Build();

        Assert.False(outcome.Succeeded, outcome.Log);
        var error = Assert.Single(outcome.Errors);
        Assert.Equal("OMB3001", error.Code);
        Assert.Equal(file, error.File);
        Assert.Equal(before, File.ReadAllBytes(_project.DatabasePath));
    }

    [Fact]
    public void An_edit_that_keeps_the_length_and_the_timestamp_is_still_caught_in_a_reused_node()
    {
        // Both builds run in this process, as builds in a reused MSBuild node or an IDE do.
        var file = _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n");
        Assert.True(_project.Build().Succeeded);
        var written = File.GetLastWriteTimeUtc(file);
        File.WriteAllText(file, "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (2);\n");
        File.SetLastWriteTimeUtc(file, written);

        var outcome = _project.Build();

        Assert.False(outcome.Succeeded, outcome.Log);
        Assert.Contains(outcome.Errors, e => e.Code == "OMB3001" && e.File == file);
    }

    [Fact]
    public void A_connection_failure_with_a_property_connection_string_explains_how_msbuild_splits_p_values()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");

        // What is left of "-p:MigrationConnectionString=Host=127.0.0.1;Port=5433;..." after MSBuild split it: port 1.
        var outcome = _project.Build(properties: new Dictionary<string, string>
        {
            ["MigrationProvider"] = "postgres", ["MigrationSchema"] = "app", ["MigrationConnectionString"] = "Host=127.0.0.1;Port=1;Timeout=3",
        });

        var error = Assert.Single(outcome.Errors);
        Assert.Equal("OMB4003", error.Code);
        Assert.Contains("MSBuild split it at each ';'", error.Message);
        Assert.Contains("%3B", error.Message);
    }

    [Fact]
    public void A_failing_statement_is_an_msbuild_error_at_its_file_and_line()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        var file = _project.AddMigration("002_broken.sql", "-- 1\n-- 2\n-- 3\n-- 4\n-- 5\nINSERT INTO a VALUES (1);\nINSERT INTO missing_table VALUES (1);\n");

        var outcome = _project.Build();

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("OMB4001", file, 7), (error.Code, error.File, error.LineNumber));
        Assert.Contains("no such table: missing_table", error.Message);
        Assert.Equal(["001"], SqliteQuery.Column(_project.DatabasePath, "SELECT version FROM schema_migrations"));
        Assert.Equal(["0"], SqliteQuery.Column(_project.DatabasePath, "SELECT count(*) FROM a"));
    }

    [Fact]
    public void Design_time_builds_never_touch_the_database()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        var outcome = _project.Build(properties: new Dictionary<string, string> { ["DesignTimeBuild"] = "true", ["MigrateOnBuild"] = "true" });
        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.False(File.Exists(_project.DatabasePath), outcome.Log);
        Assert.DoesNotContain("[MIGRATE]", outcome.Log);
    }

    [Fact]
    public void A_plain_build_migrates_only_when_the_user_opts_in()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");

        var plain = _project.Build("Build");
        Assert.True(plain.Succeeded, plain.Log);
        Assert.False(File.Exists(_project.DatabasePath), plain.Log);

        var optedIn = _project.Build("Build", new Dictionary<string, string> { ["MigrateOnBuild"] = "true" });
        Assert.True(optedIn.Succeeded, optedIn.Log);
        Assert.Equal(["001"], SqliteQuery.Column(_project.DatabasePath, "SELECT version FROM schema_migrations"));
    }

    [Fact]
    public void Properties_set_by_the_project_win_over_the_defaults()
    {
        using var project = new ConsumerProject("Custom",
            extraProperties: "<MigrationModule>billing</MigrationModule><MigrationsFolder>db/changes</MigrationsFolder><MigrationSqliteDatabase>$(MSBuildProjectDirectory)/store/billing.db</MigrationSqliteDatabase>");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(project.Combine("db", "changes")).FullName, "1_x.sql"), "CREATE TABLE x (id INTEGER);");

        var outcome = project.Build();

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Equal(["billing"], SqliteQuery.Column(project.Combine("store", "billing.db"), "SELECT module_name FROM schema_migrations"));
    }

    [Fact]
    public void Unknown_provider_and_mode_are_coded_errors()
    {
        _project.AddMigration("001_init.sql", "SELECT 1;");
        Assert.Equal("OMB2001", Assert.Single(_project.Build(properties: new Dictionary<string, string> { ["MigrationProvider"] = "oracle" }).Errors).Code);
        Assert.Equal("OMB2009", Assert.Single(_project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Destroy" }).Errors).Code);
        Assert.Equal("OMB2010", Assert.Single(_project.Build(properties: new Dictionary<string, string> { ["MigrationRunLockTimeout"] = "soon" }).Errors).Code);
        Assert.Equal("OMB2011", Assert.Single(_project.Build(properties: new Dictionary<string, string> { ["MigrationHeartbeatSeconds"] = "often" }).Errors).Code);
        Assert.False(File.Exists(_project.DatabasePath));
    }

    [Fact]
    public void The_connection_string_can_come_from_an_environment_variable()
    {
        var variable = $"OMB_TEST_CONNECTION_{Guid.NewGuid():N}";
        var database = _project.Combine("from-env.sqlite");
        Environment.SetEnvironmentVariable(variable, $"Data Source={database}");
        try
        {
            _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
            var outcome = _project.Build(properties: new Dictionary<string, string> { ["MigrationConnectionStringVariable"] = variable });
            Assert.True(outcome.Succeeded, outcome.Log);
            Assert.True(File.Exists(database));

            var unset = _project.Build(properties: new Dictionary<string, string> { ["MigrationConnectionStringVariable"] = variable + "_UNSET" });
            Assert.Equal("OMB2007", Assert.Single(unset.Errors).Code);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    public void Dispose() => _project.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MSBuildCollection
{
    public const string Name = "msbuild";
}
