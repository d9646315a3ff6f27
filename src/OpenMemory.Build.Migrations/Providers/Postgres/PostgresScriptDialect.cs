using OpenMemory.Build.Migrations.Scripts;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>Scripts for psql: the schema and history first, and each migration from the same session state.</summary>
internal sealed class PostgresScriptDialect(string schema, PostgresHistoryTable history) : ScriptDialect
{
    public override string Begin => "BEGIN;";

    public override IEnumerable<string> Preamble => [$"CREATE SCHEMA IF NOT EXISTS {SqlLiteral.Identifier(schema)}", history.CreateSql];

    public override IEnumerable<string> Setup => PostgresSessionState.ResetFor(schema);
}
