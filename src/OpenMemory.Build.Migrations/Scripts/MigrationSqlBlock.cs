using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Scripts;

/// <summary>
/// The SQL of one migration in a script: its settings, its transaction, its statements, its checks and its history
/// row. The preview and both deploy scripts write each migration with this, and only this.
/// </summary>
internal static class MigrationSqlBlock
{
    // statementText: where a script needs its own form of a statement (null: the dialect's).
    public static void Append(StringBuilder sql, DatabaseProvider provider, PreparedMigration migration, HistoryEntry entry, string scratchFile,
        Func<SqlStatement, string?>? statementText = null)
    {
        var dialect = provider.Script;
        var script = migration.Script;
        sql.Append("-- Migration ").Append(script.Title.ReplaceLineEndings(" ")).Append(" (").Append(script.FileName).Append(", sha256 ").Append(script.Checksum).Append(")\n");
        Lines(sql, dialect.BeforeTransaction);
        if (script.NoTransaction)
        {
            sql.Append("-- runs outside a transaction (no-transaction)\n");
        }
        else
        {
            sql.Append(dialect.Begin).Append('\n');
        }

        Lines(sql, dialect.Setup);
        foreach (var statement in migration.Statements)
        {
            sql.Append(statementText?.Invoke(statement) ?? dialect.Statement(statement, scratchFile)).Append('\n');
        }

        Lines(sql, dialect.BeforeRecord);
        foreach (var write in provider.History.WriteSql(entry))
        {
            sql.Append(write).Append(";\n");
        }
        if (!script.NoTransaction)
        {
            sql.Append(dialect.Commit).Append('\n');
        }
    }

    public static void Lines(StringBuilder sql, IEnumerable<string> statements)
    {
        foreach (var statement in statements)
        {
            sql.Append(statement).Append(";\n");
        }
    }
}
