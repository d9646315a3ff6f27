using OpenMemory.Build.Migrations.Deploy;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Scripts;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>Scripts for psql: the schema and history first, and each migration from the same session state.</summary>
internal sealed class PostgresScriptDialect(string schema, PostgresHistoryTable history, string? appRole) : ScriptDialect
{
    public override string Begin => "BEGIN;";

    public override IReadOnlyList<(string Path, string Text)> DeployScript(DatabaseProvider provider, string module,
        IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations, DeployBaseline baseline) =>
        PostgresDeployScript.Render(provider, schema, module, migrations, baseline);

    public override IEnumerable<string> Preamble => [$"CREATE SCHEMA IF NOT EXISTS {SqlLiteral.Identifier(schema)}", history.AdoptPgdbmSql, history.CreateSql];

    public override IEnumerable<string> Setup => PostgresSessionState.ResetFor(schema);

    public override IEnumerable<string> BeforeRecord => PostgresSessionState.BeforeRecord;

    public override IEnumerable<string> LockRun(string module) => [$"SELECT pg_advisory_lock({AdvisoryLockKey.For("run", schema, module)})"];

    public override IEnumerable<string> UnlockRun(string module) => [$"SELECT pg_advisory_unlock({AdvisoryLockKey.For("run", schema, module)})"];

    public override IEnumerable<string> Finish => appRole is null
        ? []
        : PostgresGrants.Statements(SqlLiteral.Identifier(schema), SqlLiteral.Identifier(appRole), history.QualifiedName);
}
