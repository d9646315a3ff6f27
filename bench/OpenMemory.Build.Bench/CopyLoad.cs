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

        var psql = new List<double>();
        var engine = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var byPsql = server.CreateDatabase("psql");
            var stopwatch = Stopwatch.StartNew();
            var result = server.Psql(byPsql, "-f", file);
            psql.Add(stopwatch.Elapsed.TotalSeconds);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Output);
            }

            var byEngine = server.CreateDatabase("engine");
            stopwatch.Restart();
            var run = new Migrator().MigrateAsync(folder, new MigrationOptions { Module = "dump", Provider = "postgres", ConnectionString = server.ConnectionString(byEngine), Schema = "migrations" })
                .GetAwaiter().GetResult();
            engine.Add(stopwatch.Elapsed.TotalSeconds);
            if (!run.Succeeded)
            {
                throw new InvalidOperationException(string.Join('\n', run.Diagnostics));
            }
        }

        Console.WriteLine($"psql: {string.Join(", ", psql.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}");
        Console.WriteLine($"engine: {string.Join(", ", engine.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}");
        var (p, e) = (ResultsBlock.Median(psql), ResultsBlock.Median(engine));
        var block = $"""
            {Begin}
            ### COPY ... FROM stdin: a pg_dump data dump, engine against psql -f

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {rows:N0} rows ({new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB dump), median of {reps};
            the engine in-process (one transaction, rows streamed through Npgsql's COPY API), psql as a process.

            | psql -f | engine | ratio |
            |---|---|---|
            | {p.ToString("0.000", CultureInfo.InvariantCulture)} s | {e.ToString("0.000", CultureInfo.InvariantCulture)} s | {(e / p).ToString("0.00", CultureInfo.InvariantCulture)}× |
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }
}
