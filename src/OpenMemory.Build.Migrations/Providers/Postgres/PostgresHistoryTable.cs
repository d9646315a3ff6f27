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

    protected override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override string NowExpression => "now()";

    protected override string AppliedByExpression => "current_user";

    protected override string ElapsedMsExpression => "(extract(epoch from clock_timestamp() - now()) * 1000)::bigint";
}
