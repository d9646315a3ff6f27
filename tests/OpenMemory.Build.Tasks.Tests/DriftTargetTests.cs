using System.Text.Json;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

/// <summary>Drift through MSBuild: MigrationMode=Drift, the MigrationDriftIgnore items, coded errors and the report's drift array.</summary>
[Collection(MSBuildCollection.Name)]
public sealed class DriftTargetTests : IDisposable
{
    private readonly ConsumerProject _project = new(extraItems: """<MigrationDriftIgnore Include="index:tmp_*" />""");

    public DriftTargetTests()
    {
        _project.AddMigration("001_notes.sql", "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nCREATE INDEX notes_body ON notes (body);");
        _project.AddMigration("002_tags.sql", "CREATE TABLE tags (note_id INTEGER NOT NULL REFERENCES notes (id), tag TEXT NOT NULL);");
    }

    private BuildOutcome Drift() => _project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Drift" });

    [Fact]
    public void A_drifted_database_fails_the_build_with_each_difference_and_the_report_lists_them()
    {
        Assert.True(_project.Build().Succeeded);
        var clean = Drift();
        Assert.True(clean.Succeeded, clean.Log);
        Assert.Contains("[MIGRATE] No drift: the database matches what its 2 applied migration(s) build", clean.Log);

        var edit = Testing.ProcessRunner.Run("sqlite3", [_project.DatabasePath, "CREATE INDEX tmp_rebuild ON tags (tag); ALTER TABLE tags ADD COLUMN color TEXT; DROP INDEX notes_body;"]);
        Assert.True(edit.Succeeded, edit.Output);
        var drifted = Drift();

        Assert.False(drifted.Succeeded);
        Assert.Equal(["OMB7002", "OMB7004"], drifted.Errors.Select(e => e.Code).Order());
        Assert.Contains(drifted.Errors, e => e.Message!.StartsWith("column tags.color: migrations say it does not exist, database has TEXT NULL", StringComparison.Ordinal));
        Assert.Contains(drifted.Errors, e => e.Message!.StartsWith("index notes_body: migrations say CREATE INDEX notes_body ON notes (body), database has none", StringComparison.Ordinal));

        using var report = JsonDocument.Parse(File.ReadAllText(_project.Combine("obj", "migrations", "Consumer.report.json")));
        Assert.Equal("drift", report.RootElement.GetProperty("mode").GetString());
        Assert.Equal(["tags.color", "notes_body"], report.RootElement.GetProperty("drift").EnumerateArray().Select(d => d.GetProperty("name").GetString()).OrderByDescending(n => n));
    }

    public void Dispose() => _project.Dispose();
}
