using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.History;

/// <summary>One row of <c>schema_migrations</c>.</summary>
internal sealed record AppliedMigration(
    string Module,
    string Version,
    string FileName,
    string Checksum,
    string? Description,
    DateTimeOffset? AppliedAt,
    string? AppliedBy,
    long ExecutionTimeMs,
    string Kind)
{
    public const string KindApplied = "applied";
    public const string KindBaselined = "baselined";
    public const string KindRepeatable = "repeatable";

    /// <summary>
    /// The parsed version; a row written by another tool with a non-numeric version gets none. Parsed once: a plan
    /// looks it up several times for each of thousands of rows.
    /// </summary>
    public MigrationVersion? ParsedVersion { get; } = MigrationVersion.TryParse(Version, out var v) ? v : null;
}
