using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Runner;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>
/// An idempotent script that deploys the schema where the build machine cannot reach the database: it applies,
/// with the database's own client, exactly the migrations the target database has not recorded yet, each with its
/// history row in its own transaction. PostgreSQL: a psql script. SQLite: a POSIX sh script driving sqlite3.
/// </summary>
internal static class DeployScript
{
    public sealed record Written(string Path, IReadOnlyList<MigrationDiagnostic> Diagnostics)
    {
        public bool Succeeded => !Diagnostics.Any(d => d.IsError);
    }

    public static Written Write(IMigrationSource source, MigrationOptions options, string outputFolder)
    {
        DatabaseProvider provider;
        string? legacyTable;
        try
        {
            Identifiers.RequireModule(options.Module);
            provider = ProviderFactory.Create(options, offline: true);
            legacyTable = string.IsNullOrWhiteSpace(options.LegacyHistoryTable) ? null : Identifiers.Require(options.LegacyHistoryTable.Trim(), "legacy history table");
        }
        catch (MigrationException e)
        {
            return new Written("", [e.Diagnostic]);
        }

        var catalog = MigrationCatalog.LoadWithNotes(source, provider.Name);
        var diagnostics = catalog.Diagnostics;
        // Repeatables come after every versioned migration, each guarded by its checksum.
        var (prepared, prepareDiagnostics) = PendingMigrations.Prepare([.. catalog.Scripts, .. catalog.Repeatables], provider);
        var all = diagnostics.Concat(prepareDiagnostics).ToList();
        if (all.Any(d => d.IsError))
        {
            return new Written("", all);
        }

        MigrationVersion? baselineVersion = null;
        if (!string.IsNullOrWhiteSpace(options.BaselineVersion) && !MigrationVersion.TryParse(options.BaselineVersion.Trim(), out baselineVersion))
        {
            return new Written("", [.. all, Errors.InvalidBaselineVersion(options.BaselineVersion)]);
        }

        var entries = prepared.Select(m => (m, Entry(options.Module, m.Script, AppliedMigration.KindApplied, null))).ToList();
        var baseline = new DeployBaseline(baselineVersion, legacyTable,
            [.. prepared.Scripts.Where(s => !s.IsRepeatable).Select(s => (s.Version, Entry(options.Module, s, AppliedMigration.KindBaselined, 0)))]);
        var files = provider.Script.DeployScript(provider, options.Module, entries, baseline);
        var path = Path.Combine(outputFolder, files[0].Path);
        try
        {
            const UnixFileMode executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            foreach (var (relative, text) in files)
            {
                IO.AtomicFile.WriteAllText(Path.Combine(outputFolder, relative), text, relative.EndsWith(".sh", StringComparison.Ordinal) ? executable : null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Written(path, [.. all, Errors.CannotWriteFile(path, e.Message)]);
        }

        return new Written(path, all);
    }

    private static HistoryEntry Entry(string module, MigrationScript script, string kind, long? executionTimeMs) =>
        HistoryEntry.For(module, script, kind, executionTimeMs);
}
