using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

internal sealed class PostgresHistoryTable(string schema) : HistoryTable
{
    public string Schema { get; } = schema;

    public override string QualifiedName => $"{SqlLiteral.Identifier(Schema)}.{Name}";

    public override string CreateSql => $"""
        CREATE TABLE IF NOT EXISTS {QualifiedName} (
            module_name text NOT NULL,
            version text NOT NULL,
            filename text NOT NULL,
            checksum text NOT NULL,
            description text,
            applied_at timestamptz NOT NULL DEFAULT now(),
            applied_by text,
            execution_time_ms bigint NOT NULL DEFAULT 0,
            kind text NOT NULL DEFAULT 'applied',
            PRIMARY KEY (module_name, version),
            UNIQUE (module_name, filename)
        )
        """;

    protected override string NowExpression => "now()";

    protected override string AppliedByExpression => "current_user";

    protected override string ElapsedMsExpression => "(extract(epoch from clock_timestamp() - now()) * 1000)::bigint";
}
