namespace OpenMemory.Build.Migrations.History;

/// <summary>What a migration does to its history row, in the same transaction as its statements.</summary>
internal enum HistoryChange
{
    /// <summary>A versioned migration applied (or baselined): its row is added.</summary>
    Insert,

    /// <summary>A repeatable run again: its one row is replaced with the new checksum, time and duration.</summary>
    Replace,

    /// <summary>A migration rolled back: its row is deleted.</summary>
    Delete,
}

/// <summary>The row written (or removed) together with a migration, in the same transaction.</summary>
internal sealed record HistoryEntry(
    string Module,
    string Version,
    string FileName,
    string Checksum,
    string Description,
    string Kind,
    long? ExecutionTimeMs,
    HistoryChange Change = HistoryChange.Insert)
{
    /// <summary>The row for a migration file of a module; apply, preview and deploy scripts all record it so.</summary>
    public static HistoryEntry For(string module, Discovery.MigrationScript script, string kind, long? executionTimeMs) =>
        script.IsRepeatable
            ? new(module, script.Id, script.FileName, script.Checksum, script.Description, AppliedMigration.KindRepeatable, executionTimeMs, HistoryChange.Replace)
            : new(module, script.Id, script.FileName, script.Checksum, script.Description, kind, executionTimeMs);

    /// <summary>The removal of an applied migration's row by its rollback.</summary>
    public static HistoryEntry Rollback(string module, Discovery.MigrationScript script) =>
        new(module, script.Id, script.FileName, script.Checksum, script.Description, AppliedMigration.KindApplied, 0, HistoryChange.Delete);
}
