using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Providers.Sqlite;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>
/// sqlite3 has no conditionals, so the SQLite deploy script is POSIX sh: for each migration not yet in the history
/// it pipes BEGIN IMMEDIATE, the statements, the history row and COMMIT into one sqlite3 -bail process. The history
/// row's primary key makes a concurrent second deploy fail that migration's transaction instead of running it twice.
/// </summary>
internal static class SqliteDeployScript
{
    public static string Render(DatabaseProvider provider, string module, IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations)
    {
        var history = provider.History;
        var sh = new StringBuilder();
        sh.Append("#!/bin/sh\n");
        sh.Append("# OpenMemory.Build deploy script: module '").Append(module).Append("' for SQLite.\n");
        sh.Append("# Idempotent: applies only the migrations the database has not recorded. Needs sqlite3.\n");
        sh.Append("# Usage: sh deploy.sqlite.sh path/to/database.sqlite\n");
        sh.Append("set -eu\n");
        sh.Append("DB=\"${1:?usage: deploy.sqlite.sh DATABASE}\"\n");
        sh.Append("mkdir -p \"$(dirname \"$DB\")\"\n");
        sh.Append("sqlite3 -bail \"$DB\" <<'OMB_EOF'\n").Append(history.CreateSql).Append(";\nOMB_EOF\n");
        // Module and versions are plain (validated), so they can stand inside the shell's double quotes.
        sh.Append("pending() { [ \"$(sqlite3 \"$DB\" \"SELECT count(*) FROM ").Append(history.QualifiedName)
            .Append(" WHERE module_name = '").Append(module).Append("' AND version = '$1'\")\" = \"0\" ]; }\n");
        sh.Append("has_column() { [ \"$(sqlite3 \"$DB\" \"SELECT count(*) FROM pragma_table_info('$1') WHERE name = '$2' COLLATE NOCASE\")\" = \"1\" ]; }\n");

        foreach (var (migration, entry) in migrations)
        {
            var script = migration.Script;
            sh.Append("\n# Migration ").Append(script.Title.Replace('\n', ' ')).Append(" (").Append(script.FileName).Append(")\n");
            sh.Append("if pending '").Append(entry.Version).Append("'; then\n");
            sh.Append("  echo \"Running migration: ").Append(script.Version.Text).Append("\"\n");
            sh.Append("  {\n");
            if (!script.NoTransaction)
            {
                Literal(sh, provider.BeginTransactionSql);
            }

            foreach (var statement in migration.Statements)
            {
                if (SqliteColumnGuard.Match(statement.Text) is { } guard)
                {
                    sh.Append("    if ! has_column '").Append(guard.Table).Append("' '").Append(guard.Column).Append("'; then\n");
                    Literal(sh, SqlLiteral.Terminated(guard.Rewritten), "  ");
                    sh.Append("    fi\n");
                }
                else
                {
                    Literal(sh, SqlLiteral.Terminated(statement.Text));
                }
            }

            Literal(sh, history.InsertSql(entry) + ";");
            if (!script.NoTransaction)
            {
                Literal(sh, provider.CommitSql);
            }

            sh.Append("  } | sqlite3 -bail \"$DB\"\n");
            sh.Append("fi\n");
        }

        sh.Append("echo \"Database is up to date.\"\n");
        return sh.ToString();
    }

    // A quoted heredoc passes SQL through the shell untouched; its delimiter is chosen not to occur in the SQL.
    private static void Literal(StringBuilder sh, string sql, string indent = "")
    {
        var delimiter = "OMB_SQL";
        while (sql.Contains(delimiter, StringComparison.Ordinal))
        {
            delimiter += "_";
        }

        sh.Append(indent).Append("    cat <<'").Append(delimiter).Append("'\n").Append(sql).Append('\n').Append(delimiter).Append('\n');
    }
}
