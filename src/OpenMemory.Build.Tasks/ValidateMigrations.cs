using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Lint;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Checks the migration files without any database: names, versions, encodings, provider variants, and the lock
/// file, which it updates, or in locked mode (CI) enforces. It lints them into the lint report, which
/// <see cref="ReportMigrationLint"/> reports from on every build.
/// </summary>
public sealed class ValidateMigrations : MSBuildTask
{
    public ITaskItem[] Migrations { get; set; } = [];

    [Required]
    public string Provider { get; set; } = "";

    [Required]
    public string Module { get; set; } = "";

    /// <summary>Path of the lock file; empty turns the lock file off.</summary>
    public string? LockFile { get; set; }

    /// <summary>Enforce the lock file (CI) instead of updating it.</summary>
    public bool LockedMode { get; set; }

    /// <summary>
    /// Where the lint findings go, always written, baselined or not (the baseline is applied when they are reported).
    /// Empty turns lint off.
    /// </summary>
    public string? LintReport { get; set; }

    /// <summary>The committed baseline of accepted findings; it need not exist.</summary>
    public string? LintBaselineFile { get; set; }

    /// <summary>Written while some finding is neither suppressed nor in the baseline; the build reports only then.</summary>
    public string? LintMarker { get; set; }

    public override bool Execute()
    {
        var source = MSBuildMigrations.Source(Migrations, BuildEngine);
        var provider = ProviderTags.Normalize(Provider);
        if (provider is null)
        {
            return MSBuildMigrations.Report(Log, [Errors.UnknownProvider(Provider)]);
        }

        var catalog = MigrationCatalog.LoadWithNotes(source, provider);
        var problems = catalog.Diagnostics.ToList();
        var scripts = catalog.Scripts.Concat(catalog.Repeatables).ToList();
        var lint = !string.IsNullOrWhiteSpace(LintReport);
        var (splitProblems, findings) = lint
            ? LintPipeline.SplitAndLint(scripts, provider)
            : (OpenMemory.Build.Migrations.Runner.MigrationPreparer.CheckStatements(scripts, provider).Diagnostics, []);
        problems.AddRange(splitProblems);
        if (!string.IsNullOrWhiteSpace(LockFile))
        {
            problems.AddRange(LockFileStep.Run(Log, source, Module, LockFile, LockedMode));
        }

        if (lint)
        {
            problems.AddRange(WriteLintReport(findings, provider));
        }

        if (catalog.TextsLetGo)
        {
            // Reading, splitting and linting a set this large leaves tens of megabytes the collector would otherwise
            // keep committed while MigrateDatabase applies the set.
            OpenMemory.Build.Migrations.IO.GarbageBound.Release();
        }

        return MSBuildMigrations.Report(Log, problems);
    }

    private IEnumerable<MigrationDiagnostic> WriteLintReport(IReadOnlyList<LintFinding> findings, string provider)
    {
        try
        {
            LintReportFile.Write(LintReport!, Module, provider, findings);
            var marker = LintMarker ?? LintReport + ".reported";
            if (LintBaseline.Apply(findings, LintBaseline.Read(LintBaselineFile ?? "")).Any(f => f.IsReported))
            {
                File.WriteAllBytes(marker, []);
            }
            else
            {
                File.Delete(marker);
            }

            return [];
        }
        catch (MigrationException e)
        {
            return [e.Diagnostic];
        }
    }
}
