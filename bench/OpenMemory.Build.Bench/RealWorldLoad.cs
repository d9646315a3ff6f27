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

    private sealed record Figure(Workload Workload, int Size, double Raw, double Build, double Empty, long Files, long? BuildPeak, long? EmptyPeak)
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
                var raw = Median(reps, () => { target.Fresh(); return (target.RawApply(folder), null); }).Seconds;
                var build = Median(reps, () => { target.Fresh(); return (target.Build(project, "MigrateDatabase"), target.LastPeakBytes); });
                var empty = Median(reps, () => (target.Build(project, "Empty"), target.LastPeakBytes));
                var files = Directory.GetFiles(folder, "*.sql").Sum(f => new FileInfo(f).Length);
                var figure = new Figure(workload, size, raw, build.Seconds, empty.Seconds, files, build.Peak, empty.Peak);
                figures.Add(figure);
                Console.WriteLine($"{workload.Provider} {workload.Name(size)}: raw {raw:0.000} s, build {build.Seconds:0.000} s, empty {empty.Seconds:0.000} s, ratio {figure.Ratio:0.00}, peak {build.Peak / 1048576} MB (empty {empty.Peak / 1048576} MB)");
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
                times.Append(invariant, $"| {f.Workload.Provider} | {f.Workload.Name(f.Size)} | {f.Raw:0.000} s | {f.Build:0.000} s | {f.Empty:0.000} s | {f.Ratio:0.00}× | {growth} |\n");
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

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {reps}; ratio = (build − empty-target build) / raw client
            (sqlite3 or psql applying the same files, one transaction and one history row each). Goals: ratio ≤ 1.2×; the ratio at
            4N within 10% of the ratio at N (growth column, 4N over N).

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

    private static (double Seconds, long? Peak) Median(int count, Func<(double Seconds, long? Peak)> measure)
    {
        var samples = Enumerable.Range(0, count).Select(_ => measure()).ToList();
        var peaks = samples.Where(s => s.Peak is not null).Select(s => s.Peak!.Value).Order().ToList();
        return (samples.Select(s => s.Seconds).Order().ElementAt(count / 2), peaks.Count == 0 ? null : peaks[peaks.Count / 2]);
    }
}
