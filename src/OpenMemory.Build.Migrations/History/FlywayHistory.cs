using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.History;

/// <summary>One row of Flyway's <c>flyway_schema_history</c>, as far as adoption needs it.</summary>
internal sealed record FlywayRow(int InstalledRank, string? Version, string Type, string? Script, bool Success);

/// <summary>
/// Flyway's history, read to continue from it: the highest version Flyway applied successfully (and did not undo or
/// delete) is a baseline for this tool. Flyway's checksums are CRC32 and cannot be compared with ours.
/// </summary>
internal static class FlywayHistory
{
    public const string TableName = "flyway_schema_history";

    /// <summary>SELECTs the columns <see cref="FlywayRow"/> needs, in its order, from the qualified table.</summary>
    public static string SelectSql(string qualifiedTable) =>
        $"SELECT installed_rank, version, type, script, success FROM {qualifiedTable} ORDER BY installed_rank";

    /// <summary>The first failed row, which Flyway itself must repair before anyone continues.</summary>
    public static FlywayRow? FirstFailure(IReadOnlyList<FlywayRow> rows) => rows.FirstOrDefault(r => !r.Success);

    /// <summary>The versions in place after replaying the history in order: applied, minus undone and deleted.</summary>
    public static IReadOnlyList<MigrationVersion> AppliedVersions(IReadOnlyList<FlywayRow> rows)
    {
        var applied = new Dictionary<MigrationVersion, bool>();
        foreach (var row in rows.OrderBy(r => r.InstalledRank))
        {
            if (!row.Success || row.Version is null || !MigrationVersion.TryParse(row.Version.Trim(), out var version))
            {
                continue;
            }

            switch (row.Type.ToUpperInvariant())
            {
                case "SCHEMA":
                    break;
                case "DELETE" or "UNDO_SQL" or "UNDO_JDBC" or "UNDO_SCRIPT":
                    applied[version] = false;
                    break;
                default:
                    applied[version] = true;
                    break;
            }
        }

        return [.. applied.Where(a => a.Value).Select(a => a.Key).Order()];
    }
}
