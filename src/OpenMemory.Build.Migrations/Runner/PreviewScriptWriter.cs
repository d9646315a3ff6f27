using System.Text;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Scripts;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>Writes the SQL an Apply run would execute, in order, with its transaction boundaries and history rows.</summary>
internal static class PreviewScriptWriter
{
    public static string Write(DatabaseProvider provider, MigrationOptions options, string scratchFile, IReadOnlyList<HistoryEntry> baselines,
        IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> pending)
    {
        var sql = new StringBuilder();
        sql.Append("-- OpenMemory.Build preview: module '").Append(options.Module).Append("' on ").Append(provider.Target).Append('\n');
        sql.Append("-- ").Append(pending.Count).Append(" pending migration(s). Nothing of this has been run.\n\n");
        MigrationSqlBlock.Lines(sql, provider.Script.LockRun(options.Module));
        MigrationSqlBlock.Lines(sql, provider.Script.Preamble);
        sql.Append('\n');
        if (baselines.Count > 0)
        {
            sql.Append("-- Baseline: recorded as applied without running\n").Append(provider.Script.Begin).Append('\n');
            MigrationSqlBlock.Lines(sql, baselines.Select(provider.History.InsertSql));
            sql.Append(provider.Script.Commit).Append("\n\n");
        }

        foreach (var (migration, entry) in pending)
        {
            MigrationSqlBlock.Append(sql, provider, migration, entry, scratchFile);
            sql.Append('\n');
        }

        MigrationSqlBlock.Lines(sql, provider.Script.Finish);
        MigrationSqlBlock.Lines(sql, provider.Script.UnlockRun(options.Module));

        return sql.ToString();
    }
}
