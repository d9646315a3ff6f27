using Microsoft.Build.Framework;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

/// <summary>
/// What each MSBuild verbosity prints: -v:q errors and warnings only; the default (minimal) a line per applied
/// migration and a summary; -v:n the steps between; -v:d each statement's line and time.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class VerbosityTests : IDisposable
{
    private readonly ConsumerProject _project = new();

    public VerbosityTests()
    {
        _project.AddMigration("001_items.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY);\n\nCREATE INDEX items_id ON items (id);");
        _project.AddMigration("002_tags.sql", "CREATE TABLE tags (id INTEGER PRIMARY KEY);");
    }

    [Fact]
    public void Quiet_apply_prints_no_migration_messages()
    {
        var (outcome, console) = _project.BuildAt(LoggerVerbosity.Quiet);

        Assert.True(outcome.Succeeded, console);
        Assert.DoesNotContain("[MIGRATE]", console);
    }

    [Fact]
    public void Minimal_apply_prints_one_line_per_applied_migration_and_one_summary()
    {
        var (outcome, console) = _project.BuildAt(LoggerVerbosity.Minimal);

        Assert.True(outcome.Succeeded, console);
        // The first build also writes the lock file, which the user must commit: that is said once, too.
        Assert.Equal(
            ["[MIGRATE] Updated migrations.lock.json (2 migration(s)); commit it.", "[MIGRATE] Migration 001 completed successfully", "[MIGRATE] Migration 002 completed successfully", "[MIGRATE] All migrations completed: 2 applied"],
            MigrateLines(console).Select(l => System.Text.RegularExpressions.Regex.Replace(l.Replace(_project.Directory + "/", ""), @" \(\d+ ms\)$| in \d+ ms;.*$", "")));
        Assert.Contains("database version none -> 002", console);
    }

    [Fact]
    public void Normal_apply_adds_the_steps_but_not_the_statements()
    {
        var (outcome, console) = _project.BuildAt(LoggerVerbosity.Normal);

        Assert.True(outcome.Succeeded, console);
        Assert.Contains("[MIGRATE] Checking for pending migrations...", console);
        Assert.Contains("[MIGRATE] Running migration: 002 - Tags", console);
        Assert.DoesNotContain("statement on line", console);
    }

    [Fact]
    public void Detailed_apply_prints_each_statement_with_its_line_and_time()
    {
        var (outcome, console) = _project.BuildAt(LoggerVerbosity.Detailed);

        Assert.True(outcome.Succeeded, console);
        Assert.Matches(@"\[MIGRATE\]   001: statement on line 1 of 001_items\.sql took [\d.]+ ms", console);
        Assert.Matches(@"\[MIGRATE\]   001: statement on line 3 of 001_items\.sql took [\d.]+ ms", console);
        Assert.Matches(@"\[MIGRATE\]   002: statement on line 1 of 002_tags\.sql took [\d.]+ ms", console);
    }

    [Fact]
    public void Preview_verify_and_info_print_their_result_at_minimal_and_nothing_at_quiet()
    {
        Assert.True(_project.BuildAt(LoggerVerbosity.Quiet, "Preview") is var (p, quietPreview) && p.Succeeded && !quietPreview.Contains("[MIGRATE]"), quietPreview);
        var (_, preview) = _project.BuildAt(LoggerVerbosity.Minimal, "Preview");
        Assert.Equal(3, MigrateLines(preview).Count);
        Assert.Contains("[MIGRATE]   pending: 002 - Tags (002_tags.sql)", preview);
        Assert.Contains("[MIGRATE] Preview: 2 pending migration(s) written to", preview);

        var (_, verify) = _project.BuildAt(LoggerVerbosity.Minimal, "Verify");
        Assert.Equal(["[MIGRATE] Verified: 0 applied, 2 pending; checksums match"], MigrateLines(verify));

        var (_, info) = _project.BuildAt(LoggerVerbosity.Minimal, "Info");
        Assert.Equal(4, MigrateLines(info).Count);
        Assert.Contains("[MIGRATE] 2 migration(s): 2 pending", info);
        Assert.False(File.Exists(_project.DatabasePath) && HasHistory());

        foreach (var mode in new[] { "Verify", "Info" })
        {
            var (_, quiet) = _project.BuildAt(LoggerVerbosity.Quiet, mode);
            Assert.DoesNotContain("[MIGRATE]", quiet);
        }
    }

    [Fact]
    public void Quiet_still_shows_a_failing_migration_as_a_coded_error_at_its_line()
    {
        _project.AddMigration("003_broken.sql", "CREATE TABLE ok (id INTEGER);\nCREATE TABLEX nope (id INTEGER);");

        var (outcome, console) = _project.BuildAt(LoggerVerbosity.Quiet);

        Assert.False(outcome.Succeeded);
        Assert.Matches(@"003_broken\.sql\(2,\d+\): error OMB\d{4}", console);
        Assert.DoesNotContain("[MIGRATE]", console);
    }

    private static List<string> MigrateLines(string console) =>
        [.. console.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("[MIGRATE]", StringComparison.Ordinal))];

    private bool HasHistory() =>
        OpenMemory.Build.Testing.SqliteQuery.Column(_project.DatabasePath, "SELECT name FROM sqlite_master WHERE name = 'schema_migrations'").Count > 0;

    public void Dispose() => _project.Dispose();
}
