using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Scripts;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Deploy;

/// <summary>psql: each migration runs only when its version is not in the history, under the same advisory lock as the engine.</summary>
internal static class PostgresDeployScript
{
    private const string RowsFolder = "deploy.postgres.rows";

    public static IReadOnlyList<(string Path, string Text)> Render(DatabaseProvider provider, string schema, string module, IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> migrations, DeployBaseline baseline)
    {
        var files = new List<(string Path, string Text)> { ("deploy.postgres.sql", "") };
        var history = provider.History;
        var sql = new StringBuilder();
        sql.Append("-- OpenMemory.Build deploy script: module '").Append(module).Append("', schema \"").Append(schema).Append("\".\n");
        sql.Append("-- Idempotent: applies only the migrations this database has not recorded. Run with:\n");
        sql.Append("--   psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f deploy.postgres.sql\n");
        sql.Append("\\set ON_ERROR_STOP on\n");
        MigrationSqlBlock.Lines(sql, provider.Script.LockRun(module));
        MigrationSqlBlock.Lines(sql, provider.Script.Preamble);
        if (baseline.IsNeeded)
        {
            AppendBaseline(sql, provider, schema, module, baseline);
        }

        foreach (var (migration, entry) in migrations)
        {
            sql.Append('\n');
            sql.Append("SELECT NOT EXISTS (").Append(history.DoneSql(entry)).Append(") AS omb_pending \\gset\n");
            sql.Append("\\if :omb_pending\n");
            // psql reads a skipped \if branch line by line, and takes a COPY's "\." there for a command: the rows go in
            // a file of their own, included (\ir, relative to this script) only when the branch runs.
            MigrationSqlBlock.Append(sql, provider, migration, entry, "", statement =>
            {
                if (statement.CopyRowsText is not { } rows)
                {
                    return null;
                }

                var path = $"{RowsFolder}/{entry.Version}-{files.Count}.sql";
                files.Add((path, string.Concat(statement.Text, ";\n", rows.Span, "\\.\n")));
                return $"\\ir {path}";
            });
            sql.Append("\\endif\n");
        }

        sql.Append('\n');
        MigrationSqlBlock.Lines(sql, provider.Script.Finish);
        MigrationSqlBlock.Lines(sql, provider.Script.UnlockRun(module));
        files[0] = ("deploy.postgres.sql", sql.ToString());
        return files;
    }

    private static void AppendBaseline(StringBuilder sql, DatabaseProvider provider, string schema, string module, DeployBaseline baseline)
    {
        var legacy = baseline.LegacyTable is null ? null : $"{SqlLiteral.Identifier(schema)}.{SqlLiteral.Identifier(baseline.LegacyTable)}";
        sql.Append("\n-- Baseline, only while the module has no history: migrations up to the baseline version are recorded, not run.\n");
        sql.Append("SELECT NOT EXISTS (SELECT 1 FROM ").Append(provider.History.QualifiedName).Append(" WHERE module_name = ").Append(SqlLiteral.Quote(module)).Append(") AS omb_fresh, ")
            .Append(legacy is null ? "false" : $"to_regclass({SqlLiteral.Quote(legacy)}) IS NOT NULL").Append(" AS omb_legacy \\gset\n");
        sql.Append("\\if :omb_fresh\n").Append(provider.Script.Begin).Append('\n');
        sql.Append("CREATE TEMP TABLE omb_baseline (version numeric[]);\n");
        if (baseline.Version is { } configured)
        {
            sql.Append("INSERT INTO pg_temp.omb_baseline VALUES (").Append(DeployBaseline.NumericArray(configured)).Append(");\n");
        }

        if (legacy is not null)
        {
            sql.Append("\\if :omb_legacy\n");
            sql.Append("INSERT INTO pg_temp.omb_baseline SELECT string_to_array(regexp_replace(version::text, '(\\.0+)+$', ''), '.')::numeric[] FROM ")
                .Append(legacy).Append(" WHERE version::text ~ '^[0-9]+(\\.[0-9]+)*$';\n");
            sql.Append("\\endif\n");
        }

        foreach (var (version, entry) in baseline.Entries)
        {
            sql.Append(provider.History.InsertSql(entry, $"(SELECT max(version) FROM pg_temp.omb_baseline) >= {DeployBaseline.NumericArray(version)}")).Append(";\n");
        }

        sql.Append("DROP TABLE pg_temp.omb_baseline;\n").Append(provider.Script.Commit).Append("\n\\endif\n");
    }
}
