using System.Text.Json;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

/// <summary>
/// Lint through MSBuild: warnings at file(line,col) on every plain build, also when validation is up to date; the
/// baseline; suppressions with their reason in the lint report; and the switches .NET users know.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class LintTargetTests : IDisposable
{
    private const string Setup = "CREATE TABLE orders (id bigint PRIMARY KEY, status text, total numeric(12,2));";
    private const string Dangerous = "SET lock_timeout = '5s';\n\nCREATE INDEX orders_status_idx ON orders (status);\n";

    private readonly ConsumerProject _project = new(extraProperties: "<MigrationProvider>postgres</MigrationProvider>");
    private readonly string _dangerousFile;

    public LintTargetTests()
    {
        _project.AddMigration("001_orders.sql", Setup);
        _dangerousFile = _project.AddMigration("002_status_index.sql", Dangerous);
    }

    private string ReportFile => _project.Combine("obj", "migrations", "Consumer.postgres.lint.json");

    private string BaselineFile => _project.Combine("migrations.lint-baseline.json");

    [Fact]
    public void A_plain_build_warns_at_the_statement_and_keeps_warning_while_validation_is_up_to_date()
    {
        for (var build = 0; build < 3; build++)
        {
            var outcome = _project.Build("Build");
            Assert.True(outcome.Succeeded, outcome.Log);
            var warning = Assert.Single(outcome.Warnings);
            Assert.Equal(("OMB6001", _dangerousFile, 3, 1), (warning.Code, warning.File, warning.LineNumber, warning.ColumnNumber));
            Assert.Contains("CREATE INDEX CONCURRENTLY", warning.Message);
            if (build == 1)
            {
                Assert.Contains("Skipping target \"ValidateMigrations\"", outcome.Log);
            }
        }
    }

    [Fact]
    public void The_baseline_accepts_the_current_findings_and_a_new_finding_is_still_reported()
    {
        var update = _project.Build("Build", new Dictionary<string, string> { ["MigrationLintUpdateBaseline"] = "true" });
        Assert.True(update.Succeeded, update.Log);
        Assert.Empty(update.Warnings);
        using (var baseline = JsonDocument.Parse(File.ReadAllText(BaselineFile)))
        {
            var entry = Assert.Single(baseline.RootElement.GetProperty("findings").EnumerateArray().ToList());
            Assert.Equal("OMB6001", entry.GetProperty("code").GetString());
            Assert.Equal("002_status_index.sql", entry.GetProperty("file").GetString());
            Assert.Equal("postgres", entry.GetProperty("provider").GetString());
        }

        Assert.Empty(_project.Build("Build").Warnings);
        Assert.Empty(_project.Build("Build").Warnings);

        // Lines above it move: still baselined. A new dangerous migration: reported.
        File.WriteAllText(_dangerousFile, "-- reviewed in 2024\n" + Dangerous);
        _project.AddMigration("003_total_index.sql", "SET lock_timeout = '5s';\nCREATE INDEX orders_total_idx ON orders (total);\n");
        var outcome = _project.Build("Build");
        var warning = Assert.Single(outcome.Warnings);
        Assert.EndsWith("003_total_index.sql", warning.File);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportFile));
        // The report holds every finding; the baseline is applied when they are reported.
        Assert.Equal(2, report.RootElement.GetProperty("totals").GetProperty("reported").GetInt32());
    }

    [Fact]
    public void Deleting_the_baseline_or_pointing_at_another_brings_the_findings_back()
    {
        Assert.Single(_project.Build("Build").Warnings);
        var markers = Markers();
        Assert.True(_project.Build("Build", new Dictionary<string, string> { ["MigrationLintUpdateBaseline"] = "true" }).Succeeded);
        Assert.Empty(_project.Build("Build").Warnings);
        // Everything baselined: no marker for this baseline, so the reporting task is not even loaded.
        Assert.Equal(markers, Markers());

        Assert.Single(_project.Build("Build", new Dictionary<string, string> { ["MigrationLintBaselineFile"] = _project.Combine("other.json") }).Warnings);
        Assert.Empty(_project.Build("Build").Warnings);

        File.Delete(BaselineFile);
        Assert.Equal("OMB6001", Assert.Single(_project.Build("Build").Warnings).Code);
    }

    [Fact]
    public void A_suppression_comment_silences_the_finding_and_its_reason_is_in_the_lint_report()
    {
        File.WriteAllText(_dangerousFile, "-- omb:disable OMB6001 reason: orders is empty until the import job runs\n" + Dangerous);
        var outcome = _project.Build("Build");
        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Empty(outcome.Warnings);

        using var report = JsonDocument.Parse(File.ReadAllText(ReportFile));
        var finding = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal("suppressed", finding.GetProperty("state").GetString());
        Assert.Equal("orders is empty until the import job runs", finding.GetProperty("reason").GetString());
        Assert.Equal(4, finding.GetProperty("line").GetInt32());
    }

    [Fact]
    public void A_suppression_without_a_reason_is_a_warning_of_its_own_and_suppresses_nothing()
    {
        File.WriteAllText(_dangerousFile, "-- omb:disable OMB6001\n" + Dangerous);
        var outcome = _project.Build("Build");
        Assert.Equal(["OMB6000", "OMB6001"], outcome.Warnings.Select(w => w.Code).Order());
        Assert.Equal(1, outcome.Warnings.Single(w => w.Code == "OMB6000").LineNumber);
    }

    [Theory]
    [InlineData("NoWarn", "CS1591;OMB6001", null)]
    [InlineData("MigrationLintRules", "-OMB6001", null)]
    [InlineData("MigrationLintRules", "OMB6011;add-required-column", null)]
    [InlineData("TreatWarningsAsErrors", "true", "error")]
    [InlineData("MigrationLintLevel", "error", "error")]
    [InlineData("WarningsAsErrors", "OMB6001", "error")]
    [InlineData("MigrationLintLevel", "warning", "warning")]
    public void The_project_switches_pick_rules_and_severity(string property, string value, string? expected)
    {
        var outcome = _project.Build("Build", new Dictionary<string, string> { [property] = value });
        var errors = outcome.Errors.Where(e => e.Code == "OMB6001").ToList();
        var warnings = outcome.Warnings.Where(w => w.Code == "OMB6001").ToList();
        switch (expected)
        {
            case null:
                Assert.True(outcome.Succeeded, outcome.Log);
                Assert.Empty(errors);
                Assert.Empty(warnings);
                break;
            case "error":
                Assert.False(outcome.Succeeded);
                Assert.Equal(3, Assert.Single(errors).LineNumber);
                Assert.Empty(warnings);
                break;
            default:
                Assert.True(outcome.Succeeded, outcome.Log);
                Assert.Single(warnings);
                break;
        }
    }

    [Fact]
    public void Warnings_not_as_errors_keeps_a_rule_a_warning_under_treat_warnings_as_errors()
    {
        var outcome = _project.Build("Build", new Dictionary<string, string> { ["TreatWarningsAsErrors"] = "true", ["WarningsNotAsErrors"] = "NU1603;OMB6001" });
        Assert.True(outcome.Succeeded, outcome.Log);
        Assert.Single(outcome.Warnings, w => w.Code == "OMB6001");
    }

    [Fact]
    public void A_rule_severity_item_turns_one_rule_off_or_into_an_error()
    {
        var off = new ConsumerProject("Off", "<MigrationProvider>postgres</MigrationProvider>", """<MigrationLintRule Include="index-blocks-writes" Severity="none" />""");
        var error = new ConsumerProject("Error", "<MigrationProvider>postgres</MigrationProvider>", """<MigrationLintRule Include="OMB6001" Severity="error" />""");
        try
        {
            foreach (var project in new[] { off, error })
            {
                project.AddMigration("001_orders.sql", Setup);
                project.AddMigration("002_status_index.sql", Dangerous);
            }

            var quiet = off.Build("Build");
            Assert.True(quiet.Succeeded, quiet.Log);
            Assert.Empty(quiet.Warnings);
            var failed = error.Build("Build");
            Assert.False(failed.Succeeded);
            Assert.Equal("OMB6001", Assert.Single(failed.Errors).Code);
        }
        finally
        {
            off.Dispose();
            error.Dispose();
        }
    }

    [Fact]
    public void A_concurrent_index_in_a_transactional_migration_fails_the_plain_build_and_migrate_never_connects()
    {
        File.WriteAllText(_dangerousFile, "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n");
        var build = _project.Build("Build");
        Assert.False(build.Succeeded);
        var error = Assert.Single(build.Errors);
        Assert.Equal(("OMB6002", 2, 14), (error.Code, error.LineNumber, error.ColumnNumber));
        Assert.Contains("-- omb:no-transaction", error.Message);

        // No connection string is configured: MigrateDatabase stops at the lint error before it would need one.
        var migrate = _project.Build("MigrateDatabase");
        Assert.Equal(["OMB6002"], migrate.Errors.Select(e => e.Code));
    }

    [Fact]
    public void Bad_lint_settings_are_coded_errors()
    {
        var level = _project.Build("Build", new Dictionary<string, string> { ["MigrationLintLevel"] = "loud" });
        Assert.Equal("OMB2018", Assert.Single(level.Errors).Code);
        var rules = _project.Build("Build", new Dictionary<string, string> { ["MigrationLintRules"] = "OMB6001;no-such-rule" });
        Assert.Equal("OMB2018", Assert.Single(rules.Errors).Code);
        Assert.Contains("no-such-rule", rules.Errors[0].Message);
    }

    [Fact]
    public void An_unreadable_baseline_is_a_coded_error_naming_it()
    {
        File.WriteAllText(BaselineFile, "<<<<<<< HEAD\n{}");
        var outcome = _project.Build("Build");
        var error = Assert.Single(outcome.Errors);
        Assert.Equal(("OMB5006", BaselineFile), (error.Code, error.File));
    }

    [Fact]
    public void Lint_off_reports_nothing_and_a_clean_project_never_loads_the_report_task()
    {
        var off = _project.Build("Build", new Dictionary<string, string> { ["MigrationLint"] = "false" });
        Assert.True(off.Succeeded, off.Log);
        Assert.Empty(off.Warnings);

        File.WriteAllText(_dangerousFile, "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n");
        File.WriteAllText(_dangerousFile, "-- omb:no-transaction\n" + File.ReadAllText(_dangerousFile));
        var clean = _project.Build("Build");
        Assert.True(clean.Succeeded, clean.Log);
        Assert.Empty(clean.Warnings);
        // The report target runs only while the marker beside the report exists: a clean project loads no lint task.
        Assert.True(File.Exists(ReportFile));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(ReportFile)!, "*.reported"));
    }

    private List<string> Markers() => [.. Directory.GetFiles(Path.GetDirectoryName(ReportFile)!, "*.reported").Order()];

    public void Dispose() => _project.Dispose();
}
