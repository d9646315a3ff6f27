using System.Text.Json;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

[Collection(MSBuildCollection.Name)]
public sealed class PreviewAndReportTargetTests : IDisposable
{
    private readonly ConsumerProject _project = new();

    [Fact]
    public void Preview_mode_writes_the_script_under_obj_and_lists_pending_migrations_without_creating_the_database()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE {{tables.a}} (id INTEGER);");
        var outcome = _project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Preview" });

        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Contains("[MIGRATE]   pending: 001 - Init (001_init.sql)", outcome.Log);
        var script = File.ReadAllText(_project.Combine("obj", "migrations", "Consumer.sqlite.preview.sql"));
        Assert.Matches(@"PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\n(.*\n)*CREATE TABLE a \(id INTEGER\);\n(.*\n)*INSERT INTO schema_migrations .*\nCOMMIT;", script);
        Assert.False(File.Exists(_project.DatabasePath));
    }

    [Fact]
    public void Every_run_writes_a_json_report_under_obj()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        Assert.True(_project.Build().Succeeded);

        using var report = JsonDocument.Parse(File.ReadAllText(_project.Combine("obj", "migrations", "Consumer.report.json")));
        var migration = report.RootElement.GetProperty("migrations")[0];
        Assert.Equal("apply", report.RootElement.GetProperty("mode").GetString());
        Assert.Equal(("001", "applied", true), (migration.GetProperty("version").GetString(), migration.GetProperty("state").GetString(), migration.GetProperty("appliedNow").GetBoolean()));
        Assert.Equal(1, report.RootElement.GetProperty("totals").GetProperty("appliedNow").GetInt32());
    }

    [Fact]
    public void Every_json_file_the_tool_writes_is_strict_json()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        _project.AddMigration("002_more.sql", "CREATE TABLE \"quoted \"\"name\"\"\" (id INTEGER);");
        Assert.True(_project.Build().Succeeded);

        var written = Directory.GetFiles(_project.Directory, "*.json", SearchOption.AllDirectories);

        Assert.Equal(3, written.Length); // lock file, report, lint report
        foreach (var file in written)
        {
            // System.Text.Json's defaults refuse comments and trailing commas, as jq and Python's json do.
            using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Fact]
    public void Clean_removes_the_report_the_preview_and_the_stamps()
    {
        _project.AddMigration("001_init.sql", "CREATE TABLE a (id INTEGER);");
        Assert.True(_project.Build("Build").Succeeded);
        Assert.True(_project.Build(properties: new Dictionary<string, string> { ["MigrationMode"] = "Preview" }).Succeeded);
        Assert.True(_project.Build().Succeeded);
        var outputs = _project.Combine("obj", "migrations");
        Assert.NotEmpty(Directory.GetFiles(outputs));

        Assert.True(_project.Build("CleanMigrationOutputs").Succeeded);

        Assert.Empty(Directory.GetFiles(outputs));
        using var collection = new Microsoft.Build.Evaluation.ProjectCollection();
        Assert.Equal("Clean", collection.LoadProject(_project.ProjectPath).Targets["CleanMigrationOutputs"].AfterTargets);
    }

    public void Dispose() => _project.Dispose();
}
