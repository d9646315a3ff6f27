using System.Data.Common;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.History;

/// <summary>
/// The history table <c>schema_migrations</c>: one row per applied migration and module, unique on
/// (module_name, filename) and (module_name, version). Providers supply only the dialect: column types, the
/// qualified name, and how the row's time values are taken.
/// </summary>
internal abstract class HistoryTable
{
    public const string Name = "schema_migrations";

    /// <summary>The columns, described once: CREATE, SELECT, INSERT and the reading of rows all follow this list.</summary>
    private static readonly HistoryColumn[] Columns =
    [
        new("module_name", HistoryColumnType.Text, NotNull: true),
        new("version", HistoryColumnType.Text, NotNull: true),
        new("filename", HistoryColumnType.Text, NotNull: true),
        new("checksum", HistoryColumnType.Text, NotNull: true),
        new("description", HistoryColumnType.Text, NotNull: false),
        new("applied_at", HistoryColumnType.Timestamp, NotNull: true),
        new("applied_by", HistoryColumnType.Text, NotNull: false),
        new("execution_time_ms", HistoryColumnType.Integer, NotNull: true, Default: "0"),
        new("kind", HistoryColumnType.Text, NotNull: true, Default: "'applied'"),
    ];

    public static readonly IReadOnlyList<string> RequiredColumns = [.. Columns.Select(c => c.Name)];

    /// <summary>The table's name as it appears in SQL, schema-qualified where the provider has schemas.</summary>
    public abstract string QualifiedName { get; }

    public string CreateSql =>
        $"CREATE TABLE IF NOT EXISTS {QualifiedName} (\n"
        + string.Concat(Columns.Select(c => $"    {c.Name} {TypeName(c.Type)}{(c.NotNull ? " NOT NULL" : "")}{(DefaultFor(c) is { } value ? " DEFAULT " + value : "")},\n"))
        + "    PRIMARY KEY (module_name, version),\n    UNIQUE (module_name, filename)\n)";

    /// <summary>
    /// One row of <see cref="SelectSql"/>, whichever provider read it. A row another tool wrote (pgdbm) has no
    /// version: it is the one its file name gives.
    /// </summary>
    public AppliedMigration Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? VersionOf(reader.GetString(2)) : reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : ReadTime(reader, 5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
        reader.IsDBNull(8) ? AppliedMigration.KindApplied : reader.GetString(8));

    private static string VersionOf(string fileName) =>
        Discovery.MigrationFileName.TryParse(fileName)?.Version.Text ?? fileName;

    protected abstract string TypeName(HistoryColumnType type);

    protected virtual string? DefaultFor(HistoryColumn column) => column.Default;

    protected abstract DateTimeOffset? ReadTime(DbDataReader reader, int ordinal);

    private static readonly string ColumnList = string.Join(", ", RequiredColumns);

    /// <summary>The module's rows; columns the table lacks (an adopted pgdbm table before Apply) read as NULL.</summary>
    public string SelectSql(string module, IReadOnlyCollection<string>? missing = null) =>
        $"SELECT {string.Join(", ", Columns.Select(c => missing?.Contains(c.Name) == true ? $"NULL AS {c.Name}" : SelectExpression(c)))} FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(module)}";

    /// <summary>
    /// One row when the entry's change is already in place: a versioned migration recorded (by version, or by file
    /// name for rows another tool wrote without one), a repeatable recorded with this checksum, a rolled-back
    /// migration no longer recorded. Apply checks it under its lock; the deploy scripts guard each block with it.
    /// </summary>
    public string DoneSql(HistoryEntry entry)
    {
        var module = $"module_name = {SqlLiteral.Quote(entry.Module)}";
        var version = $"version = {SqlLiteral.Quote(entry.Version)}";
        return entry.Change switch
        {
            HistoryChange.Replace => $"SELECT 1 FROM {QualifiedName} WHERE {module} AND {version} AND checksum = {SqlLiteral.Quote(entry.Checksum)}",
            HistoryChange.Delete => $"SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM {QualifiedName} WHERE {module} AND {version})",
            _ => $"SELECT 1 FROM {QualifiedName} WHERE {module} AND ({version} OR filename = {SqlLiteral.Quote(entry.FileName)})",
        };
    }

    /// <summary>The statements that make the entry's change, run after the migration's own statements.</summary>
    public IReadOnlyList<string> WriteSql(HistoryEntry entry)
    {
        var delete = $"DELETE FROM {QualifiedName} WHERE module_name = {SqlLiteral.Quote(entry.Module)} AND version = {SqlLiteral.Quote(entry.Version)}";
        return entry.Change switch
        {
            HistoryChange.Replace => [delete, InsertSql(entry)],
            HistoryChange.Delete => [delete],
            _ => [InsertSql(entry)],
        };
    }

    protected virtual string SelectExpression(HistoryColumn column) => column.Name;

    /// <summary>The insert, with literals only, so that Apply and the scripts run the very same text.</summary>
    /// <summary>The other modules that keep history here (Drift cannot tell their objects from drift).</summary>
    public string OtherModulesSql(string module) =>
        $"SELECT DISTINCT module_name FROM {QualifiedName} WHERE module_name IS NOT NULL AND module_name <> {SqlLiteral.Quote(module)} ORDER BY 1";

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
