using OpenMemory.Build.Migrations.Deploy;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Scripts;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>Scripts for the sqlite3 shell: SQLite's foreign-key procedure and the ADD COLUMN IF NOT EXISTS guard.</summary>
internal sealed class SqliteScriptDialect(HistoryTable history) : ScriptDialect
{
    public override string Begin => "BEGIN IMMEDIATE;";

    public override IReadOnlyList<(string Path, string Text)> DeployScript(DatabaseProvider provider, string module,
        IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations, DeployBaseline baseline) =>
        [("deploy.sqlite.sh", SqliteDeployScript.Render(provider, module, migrations, baseline))];

    public override IEnumerable<string> Preamble => [history.CreateSql];

    public override IEnumerable<string> BeforeTransaction => [SqliteForeignKeys.Off];

    public override IEnumerable<string> Setup => SqliteForeignKeys.ScriptSnapshot;

    public override IEnumerable<string> BeforeRecord => SqliteForeignKeys.ScriptCheck;

    /// <summary>
    /// The guard is decided where the statement runs, after the statements before it, as Apply decides it: sqlite3
    /// writes either the rewritten ADD COLUMN or a comment into the scratch file and reads that file back.
    /// </summary>
    public override string Statement(SqlStatement statement, string scratchFile)
    {
        if (SqliteColumnGuard.Match(statement.Text) is not { } guard)
        {
            return base.Statement(statement, scratchFile);
        }

        var file = "'" + scratchFile + "'";
        var skipped = SqlLiteral.Quote($"-- column {guard.Table}.{guard.Column} exists: ADD COLUMN IF NOT EXISTS skipped");
        return $"""
            .output {file}
            .headers off
            .mode list
            SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_table_info({SqlLiteral.Quote(guard.Table)}, {SqlLiteral.Quote(guard.Schema ?? "main")}) WHERE name = {SqlLiteral.Quote(guard.Column)} COLLATE NOCASE) THEN {skipped} ELSE {SqlLiteral.Quote(SqlLiteral.Terminated(guard.Rewritten))} END;
            .output stdout
            .read {file}
            """;
    }
}
