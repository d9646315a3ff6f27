using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>
/// What the engine baselines, decided where the script runs: when the module has no history rows yet, every
/// migration up to the highest of the configured baseline version and the versions another tool recorded in its
/// legacy table (OpenMemory's schema_version) is recorded as baselined, not run.
/// </summary>
internal sealed record DeployBaseline(MigrationVersion? Version, string? LegacyTable, IReadOnlyList<(MigrationVersion Version, HistoryEntry Entry)> Entries)
{
    public bool IsNeeded => Version is not null || LegacyTable is not null;

    /// <summary>
    /// A version as ten dot-separated segments of 30 digits each, so that text order is version order; the SQLite
    /// script computes the same form from a legacy table's version column.
    /// </summary>
    public static string PaddedKey(MigrationVersion version)
    {
        var segments = version.Key.Split('.');
        return string.Concat(Enumerable.Range(0, 10).Select(i => (i < segments.Length ? segments[i] : "0").PadLeft(30, '0') + "."));
    }

    /// <summary>A version as a PostgreSQL numeric[] literal, e.g. '{1,2}'.</summary>
    public static string NumericArray(MigrationVersion version) => "'{" + version.Key.Replace('.', ',') + "}'::numeric[]";
}
