namespace OpenMemory.Build.Migrations.History;

/// <summary>The row written together with a migration, in the same transaction.</summary>
internal sealed record HistoryEntry(
    string Module,
    string Version,
    string FileName,
    string Checksum,
    string Description,
    string Kind,
    long? ExecutionTimeMs);
