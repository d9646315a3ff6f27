using System.Text;
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

    public string SelectSql(string module) =>
        $"SELECT module_name, version, filename, checksum, description, applied_at, applied_by, execution_time_ms, kind FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(module)}";

    public string SelectOneSql(string module, string version) =>
        $"SELECT 1 FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(module)} AND version = {SqlLiteral.Quote(version)}";

    /// <summary>The insert, with literals only, so that Apply and Preview run the very same text.</summary>
    public string InsertSql(HistoryEntry entry)
    {
        var sql = new StringBuilder();
        sql.Append("INSERT INTO ").Append(QualifiedName)
            .Append(" (module_name, version, filename, checksum, description, applied_at, applied_by, execution_time_ms, kind) VALUES (")
            .Append(SqlLiteral.Quote(entry.Module)).Append(", ")
            .Append(SqlLiteral.Quote(entry.Version)).Append(", ")
            .Append(SqlLiteral.Quote(entry.FileName)).Append(", ")
            .Append(SqlLiteral.Quote(entry.Checksum)).Append(", ")
            .Append(SqlLiteral.Quote(entry.Description)).Append(", ")
            .Append(NowExpression).Append(", ")
            .Append(AppliedByExpression).Append(", ")
            .Append(entry.ExecutionTimeMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ElapsedMsExpression).Append(", ")
            .Append(SqlLiteral.Quote(entry.Kind)).Append(')');
        return sql.ToString();
    }

    protected abstract string NowExpression { get; }

    protected abstract string AppliedByExpression { get; }

    /// <summary>Milliseconds the current transaction has run, when the database can tell; else 0.</summary>
    protected abstract string ElapsedMsExpression { get; }
}
