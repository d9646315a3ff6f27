using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Providers.Postgres;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>psql: each migration runs only when its version is not in the history, under the same advisory lock as the engine.</summary>
internal static class PostgresDeployScript
{
    public static string Render(PostgresProvider provider, string module, IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations)
    {
        var history = provider.History;
        var lockKey = AdvisoryLockKey.For("run", provider.Schema, module);
        var sql = new StringBuilder();
        sql.Append("-- OpenMemory.Build deploy script: module '").Append(module).Append("', schema \"").Append(provider.Schema).Append("\".\n");
        sql.Append("-- Idempotent: applies only the migrations this database has not recorded. Run with:\n");
        sql.Append("--   psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f deploy.postgres.sql\n");
        sql.Append("\\set ON_ERROR_STOP on\n");
        sql.Append("SELECT pg_advisory_lock(").Append(lockKey).Append(");\n");
        foreach (var statement in provider.PreviewPreamble())
        {
            sql.Append(statement).Append('\n');
        }

        foreach (var (migration, entry) in migrations)
        {
            var script = migration.Script;
            sql.Append("\n-- Migration ").Append(script.Title).Append(" (").Append(script.FileName).Append(", sha256 ").Append(script.Checksum).Append(")\n");
            sql.Append("SELECT NOT EXISTS (").Append(history.SelectOneSql(entry.Module, entry.Version)).Append(") AS omb_pending \\gset\n");
            sql.Append("\\if :omb_pending\n");
            if (!script.NoTransaction)
            {
                sql.Append(provider.BeginTransactionSql).Append('\n');
            }

            foreach (var statement in migration.Statements)
            {
                sql.Append(SqlLiteral.Terminated(statement.Text)).Append('\n');
            }

            sql.Append(history.InsertSql(entry)).Append(";\n");
            if (!script.NoTransaction)
            {
                sql.Append(provider.CommitSql).Append('\n');
            }

            sql.Append("\\endif\n");
        }

        sql.Append("\nSELECT pg_advisory_unlock(").Append(lockKey).Append(");\n");
        return sql.ToString();
    }
}
