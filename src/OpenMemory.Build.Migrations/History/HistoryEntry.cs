namespace OpenMemory.Build.Migrations.History;

/// <summary>The row written together with a migration, in the same transaction.</summary>
internal sealed record HistoryEntry(
    string Module,
    string Version,
    string FileName,
    string Checksum,
    string Description,
    string Kind,
    long? ExecutionTimeMs)
{
    /// <summary>The row for a migration file of a module; apply, preview and deploy scripts all record it so.</summary>
    public static HistoryEntry For(string module, Discovery.MigrationScript script, string kind, long? executionTimeMs) =>
        new(module, script.Version.Text, script.FileName, script.Checksum, script.Description, kind, executionTimeMs);
}
