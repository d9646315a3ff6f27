using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

[Collection(MSBuildCollection.Name)]
public sealed class LockFileTests : IDisposable
{
    // No connection of any kind: the lock file gate needs no database.
    private static readonly Dictionary<string, string> NoDatabase = new() { ["MigrationProvider"] = "postgres" };
    private readonly ConsumerProject _project = new();

    private string LockFile => _project.Combine("migrations.lock.json");

    private BuildOutcome BuildLocked() =>
        _project.Build("Build", new Dictionary<string, string>(NoDatabase) { ["MigrationLockedMode"] = "true" });

    [Fact]
    public void A_normal_build_writes_one_line_per_migration_in_version_order()
    {
        _project.AddMigration("10_c.sql", "SELECT 10;");
        _project.AddMigration("9_b.sql", "SELECT 9;");
        _project.AddMigration("1_a.sqlite.sql", "SELECT 1;");
        _project.AddMigration("1_a.postgres.sql", "SELECT 1;");
        _project.AddMigration("R__view.sql", "SELECT 1;");
        _project.AddMigration(Path.Combine("Repeatables", "grants.sql"), "SELECT 1;");

        var outcome = _project.Build("Build", NoDatabase);

        Assert.True(outcome.Succeeded, outcome.Log);
        var lines = File.ReadAllLines(LockFile).Where(l => l.TrimStart().StartsWith("{\"version\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(["1_a.postgres.sql", "1_a.sqlite.sql", "9_b.sql", "10_c.sql", "grants.sql", "R__view.sql"], lines.Select(l => l.Split('"')[7]));
        Assert.Equal(["R__grants", "R__view"], lines.TakeLast(2).Select(l => l.Split('"')[3]));
        Assert.True(BuildLocked().Succeeded);
    }

    [Fact]
    public void A_pop_folder_validates_on_a_plain_build_and_its_lock_file_leaves_out_other_databases_files()
    {
        var folder = OpenMemory.Build.Testing.ForeignFolder.Pop(40);
        folder.WriteTo(_project.Combine("Migrations"));

        var outcome = _project.Build("Build", NoDatabase);

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Empty(outcome.Warnings);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(LockFile));
        var locked = json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("file").GetString()!).Order(StringComparer.Ordinal);
        var expected = folder.Files.Select(f => f.Name).Where(n => !n.Contains(".mysql.", StringComparison.Ordinal) && !n.Contains(".cockroach.", StringComparison.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), locked);
        Assert.Contains(locked, n => n.EndsWith(".down.sql", StringComparison.Ordinal));
        Assert.True(BuildLocked().Succeeded);
    }

    [Fact]
    public void Locked_mode_fails_on_a_one_byte_change_with_no_database_configured()
    {
        var file = _project.AddMigration("001_init.sql", "CREATE TABLE a (id int);");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        File.WriteAllText(file, "CREATE TABLE a (id INT);");
        var lockBefore = File.ReadAllText(LockFile);

        var outcome = BuildLocked();

        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("OMB5001", file), (error.Code, error.File));
        Assert.Equal(lockBefore, File.ReadAllText(LockFile));
        Assert.False(Directory.Exists(_project.Combine("data")));
    }

    [Fact]
    public void Continuous_integration_builds_are_locked_by_default()
    {
        var file = _project.AddMigration("001_init.sql", "CREATE TABLE a (id int);");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        File.AppendAllText(file, "\n-- changed");
        var outcome = _project.Build("Build", new Dictionary<string, string>(NoDatabase) { ["ContinuousIntegrationBuild"] = "true" });
        Assert.Equal("OMB5001", Assert.Single(outcome.Errors).Code);
    }

    [Fact]
    public void A_vanished_migration_is_reported_at_its_line_of_the_lock_file()
    {
        _project.AddMigration("001_init.sql", "SELECT 1;");
        var second = _project.AddMigration("002_more.sql", "SELECT 2;");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        File.Delete(second);

        var error = Assert.Single(BuildLocked().Errors);
        Assert.Equal(("OMB5002", LockFile), (error.Code, error.File));
        Assert.Contains("002_more.sql", File.ReadAllLines(LockFile)[error.LineNumber - 1]);
    }

    [Fact]
    public void A_lock_file_that_is_missing_or_behind_the_files_is_out_of_date()
    {
        _project.AddMigration("001_init.sql", "SELECT 1;");
        Assert.Equal("OMB5003", Assert.Single(BuildLocked().Errors).Code);
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        _project.AddMigration("002_new.sql", "SELECT 2;");

        var error = Assert.Single(BuildLocked().Errors);
        Assert.Equal("OMB5003", error.Code);
        Assert.Contains("002_new.sql", error.Message);
    }

    [Fact]
    public void Merge_conflicts_are_refused_and_keeping_both_sides_lines_resolves_them()
    {
        _project.AddMigration("001_init.sql", "SELECT 1;");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        var ours = _project.AddMigration("002_ours.sql", "SELECT 2;");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        var oursLine = File.ReadAllLines(LockFile).Single(l => l.Contains("002_ours.sql"));
        File.Delete(ours);
        _project.AddMigration("003_theirs.sql", "SELECT 3;");
        Assert.True(_project.Build("Build", NoDatabase).Succeeded);
        var theirsLine = File.ReadAllLines(LockFile).Single(l => l.Contains("003_theirs.sql"));
        _project.AddMigration("002_ours.sql", "SELECT 2;");

        var lines = File.ReadAllLines(LockFile).ToList();
        var at = lines.IndexOf(theirsLine);
        var conflicted = lines.Take(at).Concat(["<<<<<<< ours", oursLine, "=======", theirsLine, ">>>>>>> theirs"]).Concat(lines.Skip(at + 1)).ToList();
        File.WriteAllLines(LockFile, conflicted);
        var error = Assert.Single(BuildLocked().Errors);
        Assert.Equal(("OMB5004", LockFile, at + 1), (error.Code, error.File, error.LineNumber));

        // Resolution as a person does it: delete the markers, keep both lines (the comma left as it was).
        File.WriteAllLines(LockFile, conflicted.Where(l => !l.StartsWith("<<<<<<<") && !l.StartsWith("=======") && !l.StartsWith(">>>>>>>")));
        var resolved = BuildLocked();
        Assert.True(resolved.Succeeded, resolved.Log);
    }

    public void Dispose() => _project.Dispose();
}
