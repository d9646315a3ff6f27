using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Locking;

namespace OpenMemory.Build.Tasks;

/// <summary>The lock file: enforced in locked mode (CI), otherwise brought up to date.</summary>
internal static class LockFileStep
{
    public static IEnumerable<MigrationDiagnostic> Run(TaskLoggingHelper log, IMigrationSource source, string module, string lockFile, bool locked)
    {
        var current = MigrationLockFile.Compute(source);
        if (locked)
        {
            return MigrationLockFile.Check(lockFile, current, source);
        }

        if (current.Count == 0 && !File.Exists(lockFile))
        {
            return [];
        }

        try
        {
            if (MigrationLockFile.Update(lockFile, module.Trim(), current))
            {
                log.LogMessage(MessageImportance.High, "[MIGRATE] Updated {0} ({1} migration(s)); commit it.", lockFile, current.Count);
            }

            return [];
        }
        catch (MigrationException e)
        {
            return [e.Diagnostic];
        }
    }
}
