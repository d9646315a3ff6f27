using System.Diagnostics;
using System.Globalization;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// A pg_dump data dump (COPY ... FROM stdin with inline rows) applied by the engine against psql -f on the same
/// file, into fresh databases of the same server. The figure replaces its own block in RESULTS.md.
/// </summary>
internal static class CopyLoad
{
    private const string Begin = "<!-- copy-load -->";
    private const string End = "<!-- /copy-load -->";

    // Loaded databases are dropped, so that every load meets the same cluster and disk.
    private static double LoadWithPsql(PostgresServer server, string file)
    {
        var database = server.CreateDatabase("psql");
        server.Execute("CHECKPOINT");
        var stopwatch = Stopwatch.StartNew();
        var result = server.Psql(database, "-f", file);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        server.DropDatabase(database);
        return result.Succeeded ? seconds : throw new InvalidOperationException(result.Output);
    }

    private static double LoadWithEngine(PostgresServer server, string folder)
    {
        var database = server.CreateDatabase("engine");
        server.Execute("CHECKPOINT");
        var stopwatch = Stopwatch.StartNew();
        var run = new Migrator().MigrateAsync(folder, new MigrationOptions { Module = "dump", Provider = "postgres", ConnectionString = server.ConnectionString(database), Schema = "migrations" })
            .GetAwaiter().GetResult();
        var seconds = stopwatch.Elapsed.TotalSeconds;
        server.DropDatabase(database);
        return run.Succeeded ? seconds : throw new InvalidOperationException(string.Join('\n', run.Diagnostics));
    }

    public static void Measure(PostgresServer server, string work, int rows, int reps, string output)
    {
        var source = server.CreateDatabase("src");
        server.Execute($"""
            CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, note text, amount numeric(12,2), created timestamptz);
            INSERT INTO items SELECT g, 'item ' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE repeat('x', g % 40) END, g * 1.5, '2024-01-01'::timestamptz + g * interval '1 minute'
            FROM generate_series(1, {rows}) AS g;
            """, source);
        var dump = server.PgDumpRaw(source);
        var folder = Path.Combine(work, "copy-migrations");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "001_dump.sql"), dump);
        var file = Path.Combine(work, "dump.sql");
        File.WriteAllText(file, dump);

        // One pair first that is not counted: the engine's first run in this process JITs its code (a build's run
        // does the same once, cold; RESULTS.md reports the cold figures of dotnet build separately).
        var coldEngine = LoadWithEngine(server, folder);
        var coldPsql = LoadWithPsql(server, file);
        var psql = new List<double>();
        var engine = new List<double>();
        var ratios = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            // Each load writes about 100 MB of WAL and data that the server flushes afterwards; whichever ran second
            // paid for the first one's flush. So each load starts after a CHECKPOINT, and the order alternates.
            if (i % 2 == 0)
            {
                psql.Add(LoadWithPsql(server, file));
                engine.Add(LoadWithEngine(server, folder));
            }
            else
            {
                engine.Add(LoadWithEngine(server, folder));
                psql.Add(LoadWithPsql(server, file));
            }

            ratios.Add(engine[^1] / psql[^1]);
        }

        Console.WriteLine($"cold: psql {coldPsql:0.000}, engine {coldEngine:0.000}");
        Console.WriteLine($"psql: {string.Join(", ", psql.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"engine: {string.Join(", ", engine.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}");
        var (p, e, r) = (ResultsBlock.Median(psql), ResultsBlock.Median(engine), ResultsBlock.Median(ratios));
        string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
        var block = $"""
            {Begin}
            ### COPY ... FROM stdin: a pg_dump data dump, engine against psql -f

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {rows:N0} rows ({new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB dump), {reps} pairs after
            one that is not counted; the engine in-process (one transaction, rows streamed through Npgsql's COPY API), psql as
            a process. Each load starts after a CHECKPOINT, and the two take turns going first. Times are medians; the ratio
            is the median (and range) of each pair's own ratio.

            | psql -f | engine | ratio |
            |---|---|---|
            | {F(p)} s | {F(e)} s | {F(r, "0.00")}× ({F(ratios.Min(), "0.00")}–{F(ratios.Max(), "0.00")}) |

            The pair not counted: psql {F(coldPsql)} s, the engine's first run in its process {F(coldEngine)} s.
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }
}
