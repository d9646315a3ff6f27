using System.Data.Common;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

internal sealed class PostgresHistoryTable(string schema) : HistoryTable
{
    public string Schema { get; } = schema;

    public override string QualifiedName => $"{SqlLiteral.Identifier(Schema)}.{Name}";

    protected override string TypeName(HistoryColumnType type) => type switch
    {
        HistoryColumnType.Integer => "bigint",
        HistoryColumnType.Timestamp => "timestamptz",
        _ => "text",
    };

    protected override string? DefaultFor(HistoryColumn column) => column.Type == HistoryColumnType.Timestamp ? "now()" : column.Default;

    // pgdbm's applied_at is a timestamp without time zone, in the server's time zone.
    protected override string SelectExpression(HistoryColumn column) =>
        column.Type == HistoryColumnType.Timestamp ? $"{column.Name}::timestamptz AS {column.Name}" : column.Name;

    /// <summary>
    /// The history table's column names, one row each; none when there is no table. The catalog, not
    /// information_schema.columns: that view checks privileges on every column of the database and grows slow with the
    /// number of tables, which a fan-out over many schemas pays several times per target. The same relation kinds as
    /// that view: tables, partitioned tables, views and foreign tables.
    /// </summary>
    public string ColumnsSql => $"""
        SELECT a.attname::text AS column_name FROM pg_catalog.pg_attribute a
        JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = {SqlLiteral.Quote(Schema)} AND c.relname = '{Name}'
          AND c.relkind IN ('r', 'p', 'v', 'f') AND a.attnum > 0 AND NOT a.attisdropped
        """;

    /// <summary>
    /// Extends a pgdbm table with our columns, nullable or with a default, so pgdbm's own insert still works, and a
    /// unique version per module (NULLs, pgdbm's rows, never collide). Does nothing to a table that has them.
    /// </summary>
    public string AdoptPgdbmSql =>
        $"""
        DO $omb$
        BEGIN
          IF (SELECT count(*) FROM ({ColumnsSql}) AS history_columns WHERE column_name IN ('version', 'description', 'kind')) < 3
             AND to_regclass({SqlLiteral.Quote(QualifiedName)}) IS NOT NULL THEN
            ALTER TABLE {QualifiedName} ADD COLUMN IF NOT EXISTS version text, ADD COLUMN IF NOT EXISTS description text,
              ADD COLUMN IF NOT EXISTS kind text DEFAULT 'applied';
            CREATE UNIQUE INDEX IF NOT EXISTS {Name}_module_version ON {QualifiedName} (module_name, version);
          END IF;
        END
        $omb$
        """;

    protected override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override string NowExpression => "now()";

    protected override string AppliedByExpression => "current_user";

    protected override string ElapsedMsExpression => "(extract(epoch from clock_timestamp() - now()) * 1000)::bigint";
}
