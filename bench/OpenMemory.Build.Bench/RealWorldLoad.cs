using System.Globalization;
using System.Text;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// The real-world shapes through a cold <c>dotnet build -t:MigrateDatabase</c>, against the raw client, at a size N and
/// at 4N (the ratio should stay flat), with the build's peak memory against the empty-target build's.
/// </summary>
internal static class RealWorldLoad
{
    private const string Begin = "<!-- real-world-shapes -->";
    private const string End = "<!-- /real-world-shapes -->";

    private sealed record Workload(string Provider, int Size, Func<int, string> Name, Action<string, int> Write);

    /// <summary>Times are medians; the ratio is the median of each round's own ratio, with its range.</summary>
    private sealed record Figure(Workload Workload, int Size, double Raw, double Build, double Empty, double Ratio, double RatioLow, double RatioHigh,
        long Files, long? BuildPeak, long? EmptyPeak);

    private sealed record Round(double Raw, double Build, double Empty, long? BuildPeak, long? EmptyPeak)
    {
        public double Ratio => (Build - Empty) / Raw;
    }

    public static void Measure(PostgresServer server, string work, string buildFolder, string tasksAssembly, int reps, string output)
    {
        var workloads = new Workload[]
        {
            new("sqlite", 500, n => $"{n:N0} table rebuilds (1,000 rows, 3 indexes, foreign keys)", RealWorldShapes.SqliteRebuilds),
            new("postgres", 300, n => $"{n:N0} service changes (columns, types, backfills, enums, functions, views)", RealWorldShapes.PostgresService),
            new("sqlite", 50_000, n => $"one migration of {n:N0} INSERTs", RealWorldShapes.LargeData),
            new("postgres", 50_000, n => $"one migration of {n:N0} INSERTs", RealWorldShapes.LargeData),
        };
        var figures = new List<Figure>();
        var index = 0;
        foreach (var workload in workloads)
        {
            foreach (var size in new[] { workload.Size, 4 * workload.Size })
            {
                var folder = Path.Combine(work, $"shape{index}");
                workload.Write(folder, size);
                var project = ConsumerProject.Write(Path.Combine(work, $"shape-project{index++}"), folder, buildFolder, tasksAssembly);
                var target = new Target(workload.Provider, server, work);
                var rounds = Enumerable.Range(0, reps).Select(round => Measure(target, folder, project, round)).ToList();
                var ratios = rounds.Select(r => r.Ratio).ToList();
                var files = Directory.GetFiles(folder, "*.sql").Sum(f => new FileInfo(f).Length);
                var figure = new Figure(workload, size, ResultsBlock.Median(rounds.Select(r => r.Raw).ToList()), ResultsBlock.Median(rounds.Select(r => r.Build).ToList()),
                    ResultsBlock.Median(rounds.Select(r => r.Empty).ToList()), ResultsBlock.Median(ratios), ratios.Min(), ratios.Max(), files,
                    MedianPeak(rounds.Select(r => r.BuildPeak)), MedianPeak(rounds.Select(r => r.EmptyPeak)));
                figures.Add(figure);
                Console.WriteLine($"{workload.Provider} {workload.Name(size)}: raw {figure.Raw:0.000} s, build {figure.Build:0.000} s, empty {figure.Empty:0.000} s, ratio {figure.Ratio:0.00} ({figure.RatioLow:0.00}-{figure.RatioHigh:0.00}), peak {figure.BuildPeak / 1048576} MB (empty {figure.EmptyPeak / 1048576} MB)");
            }
        }

        var invariant = CultureInfo.InvariantCulture;
        var times = new StringBuilder();
        var memory = new StringBuilder();
        foreach (var group in figures.GroupBy(f => f.Workload))
        {
            var (n, fourN) = (group.First(), group.Last());
            foreach (var f in group)
            {
                var growth = f == fourN ? $"{(fourN.Ratio / n.Ratio).ToString("0.00", invariant)}" : "";
                times.Append(invariant, $"| {f.Workload.Provider} | {f.Workload.Name(f.Size)} | {f.Raw:0.000} s | {f.Build:0.000} s | {f.Empty:0.000} s | {f.Ratio:0.00}× ({f.RatioLow:0.00}–{f.RatioHigh:0.00}) | {growth} |\n");
                if (f.BuildPeak is { } peak && f.EmptyPeak is { } emptyPeak)
                {
                    var limit = 1.5 * emptyPeak + f.Files;
                    memory.Append(invariant, $"| {f.Workload.Provider} | {f.Workload.Name(f.Size)} | {Mb(f.Files)} | {Mb(emptyPeak)} | {Mb(peak)} | {Mb((long)limit)} | {(peak <= limit ? "yes" : "**no**")} ({(peak / limit).ToString("0.00", invariant)}) |\n");
                }
            }
        }

        var block = $"""
            {Begin}
            ### Real-world shapes: cold apply through dotnet build, against the raw client

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {reps} rounds; ratio = (build − empty-target build) / raw client
            (sqlite3 or psql applying the same files, one transaction and one history row each). Each round runs the three in turn, a
            different one first each time; times are medians, the ratio is the median (and range) of each round's own ratio. Goals:
            ratio ≤ 1.2×; the ratio at 4N within 10% of the ratio at N (growth column, 4N over N).

            | Provider | Workload | Raw client | Build apply | Empty target | Ratio | Growth |
            |---|---|---|---|---|---|---|
            {times.ToString().TrimEnd()}

            Peak resident memory of the build process (GNU time, median of {reps}). Goal: within 1.5 × the empty-target build's peak plus
            the size of the files.

            | Provider | Workload | Files | Empty-target peak | Build apply peak | Limit | Within |
            |---|---|---|---|---|---|---|
            {memory.ToString().TrimEnd()}
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0 MB", CultureInfo.InvariantCulture);

    // The raw client, the build and the empty-target build, in turns: measured one block after the other, a slow stretch
    // of this machine (its disk's flush time moves by half within minutes) landed on one block and set the ratio.
    private static Round Measure(Target target, string folder, string project, int round)
    {
        var (raw, build, empty) = (0.0, 0.0, 0.0);
        var (buildPeak, emptyPeak) = ((long?)null, (long?)null);
        for (var step = 0; step < 3; step++)
        {
            switch ((step + round) % 3)
            {
                case 0:
                    target.Fresh();
                    raw = target.RawApply(folder);
                    break;
                case 1:
                    target.Fresh();
                    build = target.Build(project, "MigrateDatabase");
                    buildPeak = target.LastPeakBytes;
                    break;
                default:
                    empty = target.Build(project, "Empty");
                    emptyPeak = target.LastPeakBytes;
                    break;
            }
        }

        return new Round(raw, build, empty, buildPeak, emptyPeak);
    }

    private static long? MedianPeak(IEnumerable<long?> peaks)
    {
        var known = peaks.OfType<long>().Order().ToList();
        return known.Count == 0 ? null : known[known.Count / 2];
    }
}
