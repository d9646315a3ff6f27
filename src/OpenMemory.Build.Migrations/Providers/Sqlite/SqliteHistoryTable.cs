using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal sealed class SqliteHistoryTable : HistoryTable
{
    public override string QualifiedName => Name;

    public override string CreateSql => $"""
        CREATE TABLE IF NOT EXISTS {Name} (
            module_name TEXT NOT NULL,
            version TEXT NOT NULL,
            filename TEXT NOT NULL,
            checksum TEXT NOT NULL,
            description TEXT,
            applied_at TEXT NOT NULL,
            applied_by TEXT,
            execution_time_ms INTEGER NOT NULL DEFAULT 0,
            kind TEXT NOT NULL DEFAULT 'applied',
            PRIMARY KEY (module_name, version),
            UNIQUE (module_name, filename)
        )
        """;

    protected override string NowExpression => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    protected override string AppliedByExpression => Sql.SqlLiteral.Quote(Environment.UserName);

    protected override string ElapsedMsExpression => "0";
}
