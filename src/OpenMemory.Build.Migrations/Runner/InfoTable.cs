using System.Globalization;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// Info mode's table, as Flyway's info or 'dotnet ef migrations list' show it: one row per migration in the order
/// the engine runs them, then totals. A long run of applied rows is folded into one line; every row is still
/// written at debug level (MSBuild's -v:d).
/// </summary>
internal static class InfoTable
{
    private const int FoldAbove = 10;

    public static void Write(RunLog log, IReadOnlyList<MigrationRecord> records)
    {
        var versionWidth = Math.Max(7, records.Select(r => r.Version.Length).DefaultIfEmpty().Max());
        var descriptionWidth = Math.Clamp(records.Select(r => (r.Description ?? "").Length).DefaultIfEmpty().Max(), 11, 40);
        string Row(string version, string description, string state, string appliedAt, string time) =>
            $"{version.PadRight(versionWidth)}  {Fit(description, descriptionWidth).PadRight(descriptionWidth)}  {state,-12}  {appliedAt,-19}  {time}".TrimEnd();

        log.InfoRow(Row("Version", "Description", "State", "Applied at", "Time"));
        for (var i = 0; i < records.Count;)
        {
            var run = 0;
            while (i + run < records.Count && records[i + run].State == MigrationState.Applied)
            {
                run++;
            }

            if (run > FoldAbove)
            {
                log.InfoRow(Row(records[i].Version, records[i].Description ?? "", StateName(records[i].State), Time(records[i]), Duration(records[i])));
                for (var j = i + 1; j < i + run - 1; j++)
                {
                    log.InfoDetail(Row(records[j].Version, records[j].Description ?? "", StateName(records[j].State), Time(records[j]), Duration(records[j])));
                }

                log.InfoRow($"... {run - 2} more applied migration(s), {records[i + 1].Version} to {records[i + run - 2].Version} (all rows with -v:d)");
                var last = records[i + run - 1];
                log.InfoRow(Row(last.Version, last.Description ?? "", StateName(last.State), Time(last), Duration(last)));
                i += run;
                continue;
            }

            var record = records[i];
            log.InfoRow(Row(record.Version, record.Description ?? "", StateName(record.State), Time(record), Duration(record)));
            i++;
        }

        var counts = records.GroupBy(r => StateName(r.State)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        log.InfoRow($"{records.Count} migration(s): {string.Join(", ", counts)}");
    }

    // The report's names, in words a table reads better with ("out of order").
    private static string StateName(MigrationState state) => Reporting.MigrationReport.StateName(state).Replace('-', ' ');

    private static string Time(MigrationRecord record) =>
        record.AppliedAt?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private static string Duration(MigrationRecord record) =>
        record.ExecutionTimeMs is { } ms && record.State is MigrationState.Applied or MigrationState.Modified ? $"{ms} ms" : "";

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 3)] + "...";
}
