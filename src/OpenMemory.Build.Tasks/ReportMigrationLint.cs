using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Lint;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Reports the lint findings of the lint report on every build, whether validation ran or was up to date, less those
/// the baseline lists, with the project's rule selection and severities; or, with <see cref="UpdateBaseline"/>,
/// accepts them into the baseline.
/// </summary>
public sealed class ReportMigrationLint : MSBuildTask
{
    [Required]
    public string LintReport { get; set; } = "";

    [Required]
    public string BaselineFile { get; set; } = "";

    public bool UpdateBaseline { get; set; }

    /// <summary>The provider linted for; a baseline update replaces only its entries.</summary>
    [Required]
    public string Provider { get; set; } = "";

    /// <summary>MigrationLintRules: codes or names to run; <c>-CODE</c> leaves one out.</summary>
    public string? Rules { get; set; }

    /// <summary>MigrationLintRule items: identity a rule, metadata Severity none, warning or error.</summary>
    public ITaskItem[] RuleSeverities { get; set; } = [];

    /// <summary>MigrationLintLevel: warning or error.</summary>
    public string? Level { get; set; }

    public bool TreatWarningsAsErrors { get; set; }

    public string? WarningsAsErrors { get; set; }

    public string? WarningsNotAsErrors { get; set; }

    public string? NoWarn { get; set; }

    public override bool Execute()
    {
        var level = (Level ?? "").Trim().ToLowerInvariant();
        if (level is not ("" or "warning" or "error"))
        {
            return MSBuildMigrations.Report(Log, [Errors.InvalidLintSetting("MigrationLintLevel", Level!, "use warning or error")]);
        }

        var policy = new LintPolicy
        {
            LevelIsError = level == "error",
            TreatWarningsAsErrors = TreatWarningsAsErrors,
            NoWarn = LintPolicy.Codes(NoWarn),
            WarningsAsErrors = LintPolicy.Codes(WarningsAsErrors),
            WarningsNotAsErrors = LintPolicy.Codes(WarningsNotAsErrors),
        };
        var problems = policy.SelectRules(Rules).ToList();
        problems.AddRange(RuleSeverities.Select(r => policy.SetRuleSeverity(r.ItemSpec, r.GetMetadata("Severity"))).OfType<MigrationDiagnostic>());
        if (problems.Count > 0)
        {
            return MSBuildMigrations.Report(Log, problems);
        }

        var (provider, findings) = File.Exists(LintReport) ? LintReportFile.Read(LintReport) : (Provider, []);
        try
        {
            findings = LintBaseline.Apply(findings, LintBaseline.Read(BaselineFile));
        }
        catch (MigrationException e) when (!UpdateBaseline)
        {
            return MSBuildMigrations.Report(Log, [e.Diagnostic]);
        }
        catch (MigrationException)
        {
            // Rewritten whole below.
        }

        if (UpdateBaseline)
        {
            var accepted = findings.Where(f => f.SuppressedBecause is null).ToList();
            try
            {
                LintBaseline.Write(BaselineFile, provider, accepted);
            }
            catch (MigrationException e)
            {
                return MSBuildMigrations.Report(Log, [e.Diagnostic]);
            }

            Log.LogMessage(MessageImportance.High, "[MIGRATE] Lint baseline: {0} finding(s) written to {1}; they are not reported while they are listed there.", accepted.Count, BaselineFile);
            return true;
        }

        var reported = findings
            .Select(f => (Finding: f, Severity: policy.SeverityOf(f)))
            .Where(f => f.Severity is not null)
            .Select(f => f.Finding.ToDiagnostic(f.Severity!.Value));
        return MSBuildMigrations.Report(Log, reported);
    }
}
