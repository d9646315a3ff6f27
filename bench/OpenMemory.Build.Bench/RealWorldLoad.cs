using System.Globalization;
using System.Text;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>The real-world shapes through a cold <c>dotnet build -t:MigrateDatabase</c>, against the raw client.</summary>
internal static class RealWorldLoad
{
    private const string Begin = "<!-- real-world-shapes -->";
    private const string End = "<!-- /real-world-shapes -->";

    public static void Measure(Testing.PostgresServer server, string work, string buildFolder, string tasksAssembly, int reps, string output)
    {
        var workloads = new (string Name, string Provider, Action<string> Write)[]
        {
            ("500 table rebuilds (1,000 rows, 3 indexes, foreign keys)", "sqlite", f => RealWorldShapes.SqliteRebuilds(f, 500)),
            ("300 service changes (columns, types, backfills, enums, functions, views)", "postgres", f => RealWorldShapes.PostgresService(f, 300)),
            ("one 5 MB migration of 50,000 INSERTs", "sqlite", RealWorldShapes.LargeData),
            ("one 5 MB migration of 50,000 INSERTs", "postgres", RealWorldShapes.LargeData),
        };
        var rows = new StringBuilder();
        var index = 0;
        foreach (var (name, provider, write) in workloads)
        {
            var folder = Path.Combine(work, $"shape{index}");
            write(folder);
            var project = ConsumerProject.Write(Path.Combine(work, $"shape-project{index++}"), folder, buildFolder, tasksAssembly);
            var target = new Target(provider, server, work);
            var raw = Median(reps, () => { target.Fresh(); return target.RawApply(folder); });
            var build = Median(reps, () => { target.Fresh(); return target.Build(project, "MigrateDatabase"); });
            var empty = Median(reps, () => target.Build(project, "Empty"));
            var ratio = (build - empty) / raw;
            Console.WriteLine($"{provider} {name}: raw {raw:0.000} s, build {build:0.000} s, empty {empty:0.000} s, ratio {ratio:0.00}");
            rows.Append(CultureInfo.InvariantCulture, $"| {provider} | {name} | {raw:0.000} s | {build:0.000} s | {empty:0.000} s | {ratio:0.00}× |\n");
        }

        var block = $"""
            {Begin}
            ### Real-world shapes: cold apply through dotnet build, against the raw client

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, median of {reps}; ratio = (build − empty-target build) / raw client
            (sqlite3 or psql applying the same files, one transaction and one history row each). Goal: ≤ 1.2×.

            | Provider | Workload | Raw client | Build apply | Empty target | Ratio |
            |---|---|---|---|---|---|
            {rows.ToString().TrimEnd()}
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }

    private static double Median(int count, Func<double> measure)
    {
        var samples = Enumerable.Range(0, count).Select(_ => measure()).Order().ToList();
        return samples[samples.Count / 2];
    }
}
