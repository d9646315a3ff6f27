using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.History;

/// <summary>Whose columns an existing schema_migrations table has.</summary>
internal enum HistoryLayout
{
    Ours,

    /// <summary>
    /// pgdbm's table (llmemory's engine): no version, description or kind. Adopted as it is: Apply adds those as
    /// nullable columns, so that pgdbm's own inserts keep working, and a row without a version takes it from its file name.
    /// </summary>
    Pgdbm,
}

/// <summary>
/// Checks the columns of an existing schema_migrations table. Several tools use that name; pgdbm's is adopted, and
/// when the columns are another tool's, the error names the tool instead of blaming a hand edit (docs/history-table.md).
/// </summary>
internal static class HistoryShape
{
    /// <summary>What pgdbm's table lacks of ours; Apply adds them.</summary>
    public static readonly IReadOnlyList<string> PgdbmMissing = ["version", "description", "kind"];

    public static HistoryLayout Require(string table, IReadOnlyCollection<string> columns, bool canAdoptPgdbm)
    {
        var missing = Missing(columns);
        if (missing.Count == 0)
        {
            return HistoryLayout.Ours;
        }

        if (canAdoptPgdbm && IsPgdbm(columns) && missing.All(PgdbmMissing.Contains))
        {
            return HistoryLayout.Pgdbm;
        }

        var found = string.Join(", ", columns.Order(StringComparer.Ordinal));
        throw new MigrationException(Errors.HistoryTableMalformed(table, found, string.Join(", ", missing), KnownTool(columns)));
    }

    public static List<string> Missing(IReadOnlyCollection<string> columns) =>
        [.. HistoryTable.RequiredColumns.Where(c => !columns.Contains(c, StringComparer.OrdinalIgnoreCase))];

    private static bool Has(IReadOnlyCollection<string> columns, params string[] names) =>
        names.All(n => columns.Contains(n, StringComparer.OrdinalIgnoreCase));

    private static bool IsPgdbm(IReadOnlyCollection<string> columns) =>
        Has(columns, "id", "filename", "checksum", "module_name", "applied_at");

    /// <summary>The tool whose history table has these columns, if it is one we know.</summary>
    private static string? KnownTool(IReadOnlyCollection<string> columns) =>
        Has(columns, "filename", "checksum", "module_name") && !Has(columns, "version") ? "pgdbm (llmemory's migration engine)"
        : Has(columns, "version", "dirty") && columns.Count == 2 ? "golang-migrate"
        : Has(columns, "version") && columns.Count == 1 ? "dbmate or Rails (Active Record)"
        : null;
}
