using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.History;

/// <summary>
/// The history table <c>schema_migrations</c>: one row per applied migration and module, unique on
/// (module_name, filename) and (module_name, version). Providers supply only the dialect: column types, the
/// qualified name, and how the row's time values are taken.
/// </summary>
public abstract class HistoryTable
{
    public const string Name = "schema_migrations";

    public static readonly IReadOnlyList<string> RequiredColumns =
    [
        "module_name", "version", "filename", "checksum", "description", "applied_at", "applied_by", "execution_time_ms", "kind",
    ];

    /// <summary>The table's name as it appears in SQL, schema-qualified where the provider has schemas.</summary>
    public abstract string QualifiedName { get; }

    public abstract string CreateSql { get; }

    private static readonly string ColumnList = string.Join(", ", RequiredColumns);

    public string SelectSql(string module) =>
        $"SELECT {ColumnList} FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(module)}";

    public string SelectOneSql(string module, string version) =>
        $"SELECT 1 FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(module)} AND version = {SqlLiteral.Quote(version)}";

    /// <summary>The insert, with literals only, so that Apply and the scripts run the very same text.</summary>
    public string InsertSql(HistoryEntry entry) => $"INSERT INTO {QualifiedName} ({ColumnList}) VALUES ({Values(entry)})";

    /// <summary>The insert of a row only when <paramref name="condition"/> holds where the script runs.</summary>
    public string InsertSql(HistoryEntry entry, string condition) =>
        $"INSERT INTO {QualifiedName} ({ColumnList}) SELECT {Values(entry)} WHERE {condition}";

    // In the order of RequiredColumns.
    private string Values(HistoryEntry entry) => string.Join(", ",
        SqlLiteral.Quote(entry.Module),
        SqlLiteral.Quote(entry.Version),
        SqlLiteral.Quote(entry.FileName),
        SqlLiteral.Quote(entry.Checksum),
        SqlLiteral.Quote(entry.Description),
        NowExpression,
        AppliedByExpression,
        entry.ExecutionTimeMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ElapsedMsExpression,
        SqlLiteral.Quote(entry.Kind));

    protected abstract string NowExpression { get; }

    protected abstract string AppliedByExpression { get; }

    /// <summary>Milliseconds the current transaction has run, when the database can tell; else 0.</summary>
    protected abstract string ElapsedMsExpression { get; }
}
