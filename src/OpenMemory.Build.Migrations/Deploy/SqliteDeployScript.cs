using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Providers.Sqlite;
using OpenMemory.Build.Migrations.Scripts;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>
/// sqlite3 has no conditionals, so the SQLite deploy script is POSIX sh: for each migration not yet in the history
/// it pipes the migration's block (MigrationSqlBlock) into one sqlite3 -bail process. The whole script holds the
/// engine's run lock ('DATABASE.omb-lock', with flock(1) where it exists), so deploys and Apply runs take turns;
/// the history row's primary key still fails a migration's transaction rather than run it twice.
/// </summary>
internal static class SqliteDeployScript
{
    private const string ScratchFile = "omb-scratch.sql";

    public static string Render(DatabaseProvider provider, string module, IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations, DeployBaseline baseline)
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
        sh.Append("DB=\"$(cd \"$(dirname \"$DB\")\" && pwd)/$(basename \"$DB\")\"\n");
        sh.Append("if command -v flock >/dev/null 2>&1; then exec 9>\"$DB.omb-lock\"; flock 9; fi\n");
        // sqlite3 runs in a scratch folder of its own: guards write their decision there and read it back.
        sh.Append("WORK=\"$(mktemp -d)\"\n");
        sh.Append("trap 'rm -rf \"$WORK\"' EXIT\n");
        sh.Append("run_sql() { (cd \"$WORK\" && sqlite3 -bail \"$DB\"); }\n");
        sh.Append("run_sql <<'OMB_EOF'\n");
        MigrationSqlBlock.Lines(sh, provider.Script.Preamble);
        sh.Append("OMB_EOF\n");
        // Module and versions are plain (validated), so they can stand inside the shell's double quotes.
        sh.Append("count() { sqlite3 \"$DB\" \"$1\"; }\n");
        // pending reads the migration's "already done" query from standard input: it prints a row when done.
        sh.Append("pending() { [ -z \"$(sqlite3 \"$DB\")\" ]; }\n");
        if (baseline.IsNeeded)
        {
            AppendBaseline(sh, provider, module, baseline);
        }

        foreach (var (migration, entry) in migrations)
        {
            var script = migration.Script;
            sh.Append("\n# Migration ").Append(script.Title.ReplaceLineEndings(" ")).Append(" (").Append(script.FileName).Append(")\n");
            sh.Append("if pending <<'OMB_EOF'\n").Append(history.DoneSql(entry)).Append(";\nOMB_EOF\nthen\n");
            sh.Append("  echo \"Running migration: ").Append(script.Id).Append("\"\n");
            var block = new StringBuilder();
            MigrationSqlBlock.Append(block, provider, migration, entry, ScratchFile);
            Literal(sh, "  run_sql", block.ToString());
            sh.Append("fi\n");
        }

        sh.Append("echo \"Database is up to date.\"\n");
        return sh.ToString();
    }

    private static void AppendBaseline(StringBuilder sh, DatabaseProvider provider, string module, DeployBaseline baseline)
    {
        sh.Append("\n# Baseline, only while the module has no history: migrations up to the baseline version are recorded, not run.\n");
        sh.Append("if [ \"$(count \"SELECT count(*) FROM ").Append(provider.History.QualifiedName).Append(" WHERE module_name = '").Append(module).Append("'\")\" = \"0\" ]; then\n");
        var before = new StringBuilder();
        before.Append(provider.Script.Begin).Append('\n');
        before.Append("CREATE TEMP TABLE omb_baseline (version_key TEXT);\n");
        if (baseline.Version is { } version)
        {
            before.Append("INSERT INTO temp.omb_baseline VALUES (").Append(SqlLiteral.Quote(DeployBaseline.PaddedKey(version))).Append(");\n");
        }

        var after = new StringBuilder();
        foreach (var (migrationVersion, entry) in baseline.Entries)
        {
            after.Append(provider.History.InsertSql(entry, $"(SELECT max(version_key) FROM temp.omb_baseline) >= {SqlLiteral.Quote(DeployBaseline.PaddedKey(migrationVersion))}")).Append(";\n");
        }

        after.Append("DROP TABLE temp.omb_baseline;\n").Append(provider.Script.Commit).Append('\n');
        sh.Append("  {\n");
        Literal(sh, "    cat", before.ToString());
        if (baseline.LegacyTable is { } legacy)
        {
            sh.Append("    if [ \"$(count \"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '").Append(legacy).Append("'\")\" = \"1\" ]; then\n");
            Literal(sh, "      cat", LegacyVersionKeys(legacy));
            sh.Append("    fi\n");
        }

        Literal(sh, "    cat", after.ToString());
        sh.Append("  } | run_sql\n");
        sh.Append("fi\n");
    }

    /// <summary>Each numeric version of the legacy table as DeployBaseline.PaddedKey writes it.</summary>
    private static string LegacyVersionKeys(string table)
    {
        var zeros = new string('0', 30);
        var emptySegments = string.Concat(Enumerable.Repeat(zeros + ".", 10));
        return $"""
            INSERT INTO temp.omb_baseline
            WITH RECURSIVE split(rest, key, segments) AS (
              SELECT CAST(version AS TEXT) || '.', '', 0 FROM {SqlLiteral.Identifier(table)}
              WHERE CAST(version AS TEXT) GLOB '[0-9]*' AND CAST(version AS TEXT) NOT GLOB '*[^0-9.]*' AND CAST(version AS TEXT) NOT GLOB '*..*' AND CAST(version AS TEXT) NOT GLOB '*.'
              UNION ALL
              SELECT substr(rest, instr(rest, '.') + 1), key || substr('{zeros}' || substr(rest, 1, instr(rest, '.') - 1), -30) || '.', segments + 1
              FROM split WHERE rest <> ''
            )
            SELECT key || substr('{emptySegments}', 1, 31 * (10 - segments)) FROM split WHERE rest = '' AND segments <= 10;

            """;
    }

    // A quoted heredoc passes SQL through the shell untouched; its delimiter is chosen not to occur in the SQL.
    private static void Literal(StringBuilder sh, string command, string sql)
    {
        var delimiter = "OMB_SQL";
        while (sql.Contains(delimiter, StringComparison.Ordinal))
        {
            delimiter += "_";
        }

        sh.Append(command).Append(" <<'").Append(delimiter).Append("'\n").Append(sql);
        if (!sql.EndsWith('\n'))
        {
            sh.Append('\n');
        }

        sh.Append(delimiter).Append('\n');
    }
}
