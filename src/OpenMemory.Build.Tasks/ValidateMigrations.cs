using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Checks the migration files without any database: names, versions, encodings, provider variants, and the lock
/// file, which it updates, or in locked mode (CI) enforces.
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
        problems.AddRange(OpenMemory.Build.Migrations.Runner.MigrationPreparer.CheckStatements(catalog.Scripts.Concat(catalog.Repeatables), provider));
        if (!string.IsNullOrWhiteSpace(LockFile))
        {
            problems.AddRange(LockFileStep.Run(Log, source, Module, LockFile, LockedMode));
        }

        return MSBuildMigrations.Report(Log, problems);
    }
}
