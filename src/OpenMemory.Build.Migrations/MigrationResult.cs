using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations;

public enum MigrationState
{
    /// <summary>Recorded in the history with the file's checksum.</summary>
    Applied,

    /// <summary>Applied by this run.</summary>
    AppliedNow,

    /// <summary>Recorded as baselined: counted as applied without having been run by this tool.</summary>
    Baselined,

    Pending,
    Modified,
    Missing,
    OutOfOrder,
    Failed,

    /// <summary>A repeatable migration whose file changed since its last run: it runs again. (Added last: values are kept.)</summary>
    RepeatableChanged,

    /// <summary>Rolled back by this run: its down script ran and its history row is gone.</summary>
    RolledBack,
}

/// <summary>One migration's state after a run.</summary>
public sealed record MigrationRecord(
    string Version,
    string FileName,
    string? Checksum,
    MigrationState State,
    DateTimeOffset? AppliedAt,
    long? ExecutionTimeMs,
    string? Description = null,
    string? RecordedChecksum = null);

/// <summary>What a run did. Expected failures are diagnostics here, never exceptions.</summary>
public sealed class MigrationResult
{
    public required MigrationMode Mode { get; init; }

    public required string Module { get; init; }

    public required string Provider { get; init; }

    public IReadOnlyList<MigrationRecord> Migrations { get; init; } = [];

    public IReadOnlyList<MigrationDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>The highest applied version before the run, or null for none.</summary>
    public string? StartVersion { get; init; }

    /// <summary>Preview: the SQL an Apply would run (also written to MigrationOptions.PreviewFile, when set).</summary>
    public string? PreviewSql { get; init; }

    public bool Succeeded => !Diagnostics.Any(d => d.IsError);

    /// <summary>Migrations in the history after the run: applied earlier, baselined, or applied by this run.</summary>
    public int RecordedCount => Migrations.Count(m => m.State is MigrationState.Applied or MigrationState.AppliedNow or MigrationState.Baselined);

    /// <summary>Migrations this run applied (the length of <see cref="Applied"/>).</summary>
    public int AppliedNowCount => Migrations.Count(m => m.State == MigrationState.AppliedNow);

    public int PendingCount => Migrations.Count(m => m.State is MigrationState.Pending or MigrationState.OutOfOrder or MigrationState.RepeatableChanged);

    /// <summary>The errors, each with its code, message and, where there is one, file, line and column.</summary>
    public IReadOnlyList<MigrationDiagnostic> Errors => [.. Diagnostics.Where(d => d.IsError)];

    /// <summary>Migrations this run applied.</summary>
    public IReadOnlyList<MigrationRecord> Applied => [.. Migrations.Where(m => m.State == MigrationState.AppliedNow)];

    /// <summary>Migrations that were already applied (or baselined) and so were skipped.</summary>
    public IReadOnlyList<MigrationRecord> Skipped => [.. Migrations.Where(m => m.State is MigrationState.Applied or MigrationState.Baselined)];

    /// <summary>Migrations still to apply (all of them after Preview or Verify).</summary>
    public IReadOnlyList<MigrationRecord> Pending => [.. Migrations.Where(m => m.State is MigrationState.Pending or MigrationState.OutOfOrder or MigrationState.RepeatableChanged)];

    /// <summary>Drift: each way the database differs from what its applied migrations build; empty when it matches.</summary>
    public IReadOnlyList<DriftDifference> Drift { get; init; } = [];

    /// <summary>A fan-out run (<see cref="MigrationOptions.Targets"/>): one result per target, in target order.</summary>
    public IReadOnlyList<MigrationTargetResult> Targets { get; init; } = [];
}

/// <summary>What a fan-out run did to one target.</summary>
public sealed record MigrationTargetResult(string Name, MigrationResult Result, string? EndVersion, long ElapsedMs)
{
    /// <summary>Not started: an earlier target failed and <see cref="MigrationOptions.FailFast"/> was set.</summary>
    public bool Skipped { get; init; }
}
