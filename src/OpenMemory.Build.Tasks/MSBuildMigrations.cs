using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Tasks;

/// <summary>What the tasks share: items to a migration source, diagnostics to located MSBuild errors and warnings.</summary>
internal static class MSBuildMigrations
{
    /// <summary>The Migration items as a source whose files are read once per build (MigrationFileCache).</summary>
    public static FileSystemMigrationSource Source(ITaskItem[] items, IBuildEngine engine) =>
        MigrationFileCache.For(engine).Source([.. items.Select(item => item.GetMetadata("FullPath")).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);

    /// <summary>MigrationTable items: identity is the logical name, <c>Name</c> metadata the real one.</summary>
    public static IReadOnlyDictionary<string, string> TableMap(ITaskItem[] items) =>
        items.ToDictionary(t => t.ItemSpec, t => t.GetMetadata("Name") is { Length: > 0 } name ? name : t.ItemSpec, StringComparer.Ordinal);

    /// <summary>Logs each diagnostic with its code, file, line and column; returns true when none is an error.</summary>
    public static bool Report(TaskLoggingHelper log, IEnumerable<MigrationDiagnostic> diagnostics)
    {
        var succeeded = true;
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.IsError)
            {
                succeeded = false;
                log.LogError(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, "{0}", MSBuildWords.Translate(diagnostic.Message));
            }
            else
            {
                log.LogWarning(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, "{0}", MSBuildWords.Translate(diagnostic.Message));
            }
        }

        return succeeded;
    }
}
