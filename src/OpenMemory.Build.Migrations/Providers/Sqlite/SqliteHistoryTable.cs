using System.Data.Common;
using System.Globalization;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal sealed class SqliteHistoryTable : HistoryTable
{
    public override string QualifiedName => Name;

    protected override string TypeName(HistoryColumnType type) => type == HistoryColumnType.Integer ? "INTEGER" : "TEXT";

    protected override DateTimeOffset? ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.TryParse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    protected override string NowExpression => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    protected override string AppliedByExpression => Sql.SqlLiteral.Quote(Environment.UserName);

    protected override string ElapsedMsExpression => "0";
}
