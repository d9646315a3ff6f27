using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Locking;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Checks the migration files without any database: names, versions, encodings, provider variants, and the lock
/// file, which it updates, or in locked mode (CI) enforces.
/// </summary>
public sealed class ValidateMigrations : MSBuildTask
{
    public ITaskItem[] Migrations { get; set; } = [];

    public string? Provider { get; set; }

    [Required]
    public string Module { get; set; } = "";

    /// <summary>Path of the lock file; empty turns the lock file off.</summary>
    public string? LockFile { get; set; }

    public bool Locked { get; set; }

    public override bool Execute()
    {
        var source = MSBuildMigrations.Source(Migrations);
        var provider = ProviderTags.Normalize(Provider ?? ProviderTags.Sqlite);
        if (provider is null)
        {
            return MSBuildMigrations.Report(Log, [Errors.UnknownProvider(Provider!)]);
        }

        var (_, diagnostics) = MigrationCatalog.Load(source, provider);
        var problems = diagnostics.ToList();
        if (!string.IsNullOrWhiteSpace(LockFile))
        {
            problems.AddRange(CheckLock(source, LockFile));
        }

        return MSBuildMigrations.Report(Log, problems);
    }

    private IEnumerable<MigrationDiagnostic> CheckLock(IMigrationSource source, string lockFile)
    {
        var current = MigrationLockFile.Compute(source);
        if (Locked)
        {
            return MigrationLockFile.Check(lockFile, current, source);
        }

        if (current.Count == 0 && !File.Exists(lockFile))
        {
            return [];
        }

        try
        {
            if (MigrationLockFile.Update(lockFile, Module.Trim(), current))
            {
                Log.LogMessage(MessageImportance.High, "[MIGRATE] Updated {0} ({1} migration(s)); commit it.", lockFile, current.Count);
            }

            return [];
        }
        catch (MigrationException e)
        {
            return [e.Diagnostic];
        }
    }
}
