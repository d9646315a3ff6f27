using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.History;

/// <summary>
/// Checks the columns of an existing schema_migrations table. Several tools use that name; when the columns are
/// another tool's, the error names the tool instead of blaming a hand edit (docs/history-table.md).
/// </summary>
internal static class HistoryShape
{
    public static void Require(string table, IReadOnlyCollection<string> columns)
    {
        var missing = HistoryTable.RequiredColumns.Where(c => !columns.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var found = string.Join(", ", columns.Order(StringComparer.Ordinal));
        throw new MigrationException(Errors.HistoryTableMalformed(table, found, string.Join(", ", missing), KnownTool(columns)));
    }

    /// <summary>The tool whose history table has these columns, if it is one we know.</summary>
    private static string? KnownTool(IReadOnlyCollection<string> columns)
    {
        bool Has(params string[] names) => names.All(n => columns.Contains(n, StringComparer.OrdinalIgnoreCase));
        return Has("filename", "checksum", "module_name") && !Has("version") ? "pgdbm (llmemory's migration engine)"
            : Has("version", "dirty") && columns.Count == 2 ? "golang-migrate"
            : Has("version") && columns.Count == 1 ? "dbmate or Rails (Active Record)"
            : null;
    }
}
