using System.Security.Cryptography;
using OpenMemory.Build.Migrations.Tests.Infrastructure;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// Drift, on every provider: clean after Apply on a set with every kind of object and rows in the tables; each
/// kind of object changed by hand gives exactly one coded error naming it; the database is only read.
/// </summary>
public abstract class DriftClaims : IDisposable
{
    protected MigrationWorkspace Workspace { get; } = new();

    protected abstract TestDatabase NewDatabase();

    /// <summary>Migrations with every kind of object the provider has, and rows.</summary>
    protected abstract IReadOnlyList<(string Name, string Sql)> Fixture { get; }

    /// <summary>Hand changes, each to one object: the SQL, the code it must give, and a part of the object's name.</summary>
    public abstract IReadOnlyList<(string Change, string Code, string Names)> HandChanges { get; }

    /// <summary>Writes a generated real-world-shaped set (a service's 300 changes, SQLite table rebuilds) into the folder.</summary>
    protected abstract void WriteRealWorldSet(string folder);

    /// <summary>The database as it is stored: the file's bytes on SQLite, pg_dump and its scratch leftovers on PostgreSQL.</summary>
    protected abstract string Snapshot(TestDatabase database);

    protected TestDatabase Migrated()
    {
        var database = NewDatabase();
        foreach (var (name, sql) in Fixture)
        {
            Workspace.Add(name, sql);
        }

        var apply = Workspace.Run(database.Options());
        Assert.True(apply.Succeeded, Workspace.Explain(apply));
        return database;
    }

    protected MigrationResult Drift(TestDatabase database, params string[] ignore) =>
        Workspace.Run(new MigrationOptions
        {
            Module = "test",
            Provider = database.Options().Provider,
            ConnectionString = database.Options().ConnectionString,
            Schema = database.Options().Schema,
            AppRole = database.Options().AppRole,
            Mode = MigrationMode.Drift,
            DriftIgnore = ignore,
        });

    [Fact]
    public void After_apply_drift_is_clean_and_the_database_is_only_read()
    {
        var database = Migrated();
        var before = Snapshot(database);

        var result = Drift(database);

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.Empty(result.Drift);
        Assert.Empty(result.Diagnostics);
        Assert.Contains(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] No drift: the database matches what its", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(database));
    }

    [Fact]
    public void After_apply_drift_is_clean_on_a_generated_real_world_shaped_set()
    {
        var database = NewDatabase();
        WriteRealWorldSet(Workspace.MigrationsFolder);
        var apply = Workspace.Run(database.Options());
        Assert.True(apply.Succeeded, Workspace.Explain(apply));

        var result = Drift(database);

        Assert.True(result.Succeeded, Workspace.Explain(result));
        Assert.Contains(Workspace.Log.Lines, l => l.StartsWith("[MIGRATE] No drift", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_kind_of_object_changed_by_hand_gives_exactly_one_coded_error_naming_it()
    {
        var database = Migrated();
        var failures = new List<string>();
        foreach (var (change, code, name) in HandChanges)
        {
            var fresh = NewDatabase();
            Assert.True(Workspace.Run(fresh.Options()).Succeeded);
            fresh.Execute(change);
            var before = Snapshot(fresh);
            var result = Drift(fresh);
            var errors = result.Errors.Select(e => $"{e.Code} {e.Message}").ToList();
            if (errors.Count != 1 || !errors[0].StartsWith(code, StringComparison.Ordinal) || !errors[0].Contains(name, StringComparison.Ordinal)
                || result.Drift.Count != 1 || before != Snapshot(fresh))
            {
                failures.Add($"{change} => expected one {code} naming '{name}', got: {string.Join(" | ", errors)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(HandChanges.Select(c => c.Code).Distinct().Count() >= 5);
        Assert.True(Drift(database).Succeeded);
    }

    [Fact]
    public void A_difference_says_what_the_migrations_say_and_what_the_database_has_in_the_report()
    {
        var database = Migrated();
        database.Execute($"CREATE INDEX notes_body_idx ON {database.Table("notes")} (body);");

        var result = Drift(database);

        var difference = Assert.Single(result.Drift);
        Assert.Equal(("OMB7004", "index", null), (difference.Code, difference.Kind, difference.Expected));
        Assert.Contains("notes_body_idx", difference.Actual);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"index {(database.Provider == "postgres" ? "app." : "")}notes_body_idx: migrations say it does not exist, database has CREATE INDEX notes_body_idx", error.Message);

        var report = Path.Combine(Workspace.Root, "drift.report.json");
        Reporting.MigrationReport.Write(result, report);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(report));
        var entry = Assert.Single(json.RootElement.GetProperty("drift").EnumerateArray().ToList());
        Assert.Equal("OMB7004", entry.GetProperty("code").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("expected").ValueKind);
    }

    [Fact]
    public void Ignored_objects_are_left_out()
    {
        var database = Migrated();
        database.Execute($"CREATE TABLE {database.Table("tmp_import")} (id INTEGER);\nCREATE INDEX tmp_notes_body ON {database.Table("notes")} (body);");

        Assert.Equal(2, Drift(database).Drift.Count);
        var result = Drift(database, "table:tmp_*", "index:TMP_NOTES_*");

        Assert.True(result.Succeeded, Workspace.Explain(result));
    }

    [Fact]
    public void A_modified_applied_migration_stops_drift_with_OMB3001()
    {
        var database = Migrated();
        var file = Path.Combine(Workspace.MigrationsFolder, Fixture[0].Name);
        File.AppendAllText(file, "\n-- edited");

        var result = Drift(database);

        Assert.Equal(["OMB3001"], result.Errors.Select(e => e.Code));
    }

    [Fact]
    public async Task Applied_migrations_that_no_longer_build_the_schema_from_nothing_stop_drift_with_OMB7013_at_the_failing_line()
    {
        var database = NewDatabase();
        if (database is PostgresTestDatabase postgres)
        {
            postgres.Execute($"CREATE SCHEMA \"{postgres.SchemaName}\"");
        }

        // A table made by hand before the first migration, with no baseline: the files alone cannot build the schema.
        database.Execute($"CREATE TABLE {database.Table("handmade")} (id INTEGER PRIMARY KEY);");
        var file = Workspace.Add("001_uses_handmade.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nALTER TABLE handmade ADD COLUMN note_id INTEGER;");
        // Applied directly: the workspace's own after-Apply drift check would stop here, as it should.
        Assert.True((await new Migrator().MigrateAsync(Workspace.MigrationsFolder, database.Options())).Succeeded);
        var before = Snapshot(database);

        var result = Drift(database);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("OMB7013", file, 2), (error.Code, error.File, error.Line));
        Assert.DoesNotContain("..", error.Message);
        Assert.Contains("applied migration 001 fails on an empty scratch database", error.Message);
        Assert.Empty(result.Drift);
        Assert.Equal(before, Snapshot(database));
    }

    [Fact]
    public void Pending_migrations_are_not_expected_yet()
    {
        var database = Migrated();
        Workspace.Add("099_later.sql", "CREATE TABLE later (id INTEGER);");

        var result = Drift(database);

        Assert.True(result.Succeeded, Workspace.Explain(result));
    }

    [Fact]
    public void A_baseline_no_file_builds_is_reported_as_not_checked_and_only_the_migrations_objects_are_compared()
    {
        var database = NewDatabase();
        if (database is PostgresTestDatabase postgres)
        {
            postgres.Execute($"CREATE SCHEMA \"{postgres.SchemaName}\"");
        }

        database.Execute($"CREATE TABLE {database.Table("legacy")} (id INTEGER PRIMARY KEY, note TEXT);");
        Workspace.Add("005_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);");
        Workspace.Add("006_legacy_flag.sql", "ALTER TABLE legacy ADD COLUMN flag INTEGER;");
        var apply = Workspace.Run(TestDatabase.WithBaseline(database.Options(), "4"));
        Assert.True(apply.Succeeded, Workspace.Explain(apply));

        var clean = Workspace.Run(TestDatabase.With(TestDatabase.WithBaseline(database.Options(), "4"), mode: MigrationMode.Drift));
        Assert.True(clean.Succeeded, Workspace.Explain(clean));
        var warning = Assert.Single(clean.Diagnostics);
        Assert.Equal("OMB7012", warning.Code);
        Assert.Contains("006_legacy_flag.sql could not run on a copy without the baseline", warning.Message);

        database.Execute($"ALTER TABLE {database.Table("notes")} ADD COLUMN extra INTEGER;");
        var drifted = Workspace.Run(TestDatabase.With(TestDatabase.WithBaseline(database.Options(), "4"), mode: MigrationMode.Drift));
        Assert.Equal(["OMB7002"], drifted.Errors.Select(e => e.Code));
        Assert.Contains("notes.extra", drifted.Errors[0].Message);
    }

    public void Dispose()
    {
        Workspace.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
