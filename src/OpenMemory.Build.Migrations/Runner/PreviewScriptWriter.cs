using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>Writes the SQL an Apply run would execute, in order, with its transaction boundaries and history rows.</summary>
internal static class PreviewScriptWriter
{
    public static string Write(DatabaseProvider provider, DatabaseSession? session, MigrationOptions options, IReadOnlyList<HistoryEntry> baselines,
        IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> pending)
    {
        var sql = new StringBuilder();
        sql.Append("-- OpenMemory.Build preview: module '").Append(options.Module).Append("' on ").Append(provider.Target).Append('\n');
        sql.Append("-- ").Append(pending.Count).Append(" pending migration(s). Nothing of this has been run.\n\n");
        foreach (var line in provider.PreviewPreamble())
        {
            sql.Append(line).Append("\n\n");
        }

        if (baselines.Count > 0)
        {
            sql.Append("-- Baseline: recorded as applied without running\n").Append(provider.BeginTransactionSql).Append('\n');
            foreach (var entry in baselines)
            {
                sql.Append(provider.History.InsertSql(entry)).Append(";\n");
            }

            sql.Append(provider.CommitSql).Append("\n\n");
        }

        foreach (var (migration, entry) in pending)
        {
            var script = migration.Script;
            sql.Append("-- Migration ").Append(script.Title).Append(" (").Append(script.FileName).Append(", sha256 ").Append(script.Checksum).Append(")\n");
            if (script.NoTransaction)
            {
                sql.Append("-- runs outside a transaction (omb:no-transaction)\n");
            }
            else
            {
                sql.Append(provider.BeginTransactionSql).Append('\n');
            }

            foreach (var statement in migration.Statements)
            {
                if (provider.Render(statement, session) is not { } text)
                {
                    sql.Append("-- skipped, already in place: ").Append(statement.Text.ReplaceLineEndings(" ")).Append('\n');
                    continue;
                }

                sql.Append(SqlLiteral.Terminated(text)).Append('\n');
            }

            sql.Append(provider.History.InsertSql(entry)).Append(";\n");
            if (!script.NoTransaction)
            {
                sql.Append(provider.CommitSql).Append('\n');
            }

            sql.Append('\n');
        }

        return sql.ToString();
    }
}
