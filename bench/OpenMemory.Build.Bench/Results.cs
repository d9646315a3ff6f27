using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenMemory.Build.Bench;

/// <summary>The medians, and every figure as a ratio to its limit measured in the same run.</summary>
internal sealed class Results
{
    private readonly Dictionary<(string Provider, int N, string What), double> _seconds = [];

    public void Add(string provider, int n, string what, double seconds) => _seconds[(provider, n, what)] = seconds;

    public string Markdown(int[] sizes, int reps, int noOpReps)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine($"Written by `dotnet run -c Release --project bench/OpenMemory.Build.Bench` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        md.AppendLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; " +
                      $"SQLite via Microsoft.Data.Sqlite / sqlite3 CLI, PostgreSQL 15 started by the benchmark (fsync on) on 127.0.0.1.");
        md.AppendLine($"Every figure is the median of {reps} runs (cold apply) or {noOpReps} runs (build figures); seconds, wall clock. A no-op");
        md.AppendLine("build and its empty-target build are sampled in turns, so that both meet the same stretch of the machine.");
        md.AppendLine("Ratios compare against a limit measured in the same run: the raw client (sqlite3 / psql applying the same files, one");
        md.AppendLine("transaction per file plus one history row each) for applies, and `dotnet build` of the same project running an empty");
        md.AppendLine("target (the cost MSBuild itself sets) for the build figures.");
        md.AppendLine();
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            md.AppendLine($"## {provider}");
            md.AppendLine();
            md.AppendLine("| Figure | " + string.Join(" | ", sizes.Select(n => $"N = {n}")) + " | growth " + (sizes.Length > 1 ? $"({sizes[^1]}/{sizes[0]}, ratio)" : "") + " |");
            md.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---|")) + "---|");
            Row(md, provider, sizes, "raw limit (sqlite3/psql)", "raw limit", null);
            Row(md, provider, sizes, "engine cold apply", "engine apply", "raw limit");
            Row(md, provider, sizes, "dotnet build -t:MigrateDatabase, cold apply", "build apply", "raw limit");
            Row(md, provider, sizes, "dotnet build, empty target", "build empty target", null);
            Row(md, provider, sizes, "dotnet build -t:MigrateDatabase, all applied (no-op)", "build no-op", "build empty target");
            Row(md, provider, sizes, "SDK-style project: dotnet build, empty target", "sdk build empty target", null);
            Row(md, provider, sizes, "SDK-style project: dotnet build -t:MigrateDatabase, no-op", "sdk build no-op", "sdk build empty target");
            Row(md, provider, sizes, "Verify, all applied", "build verify", "build empty target");
            Row(md, provider, sizes, "Preview, all pending", "build preview (all pending)", "build empty target");
            md.AppendLine();
        }

        return md.ToString();
    }

    private void Row(StringBuilder md, string provider, int[] sizes, string label, string what, string? limit)
    {
        md.Append("| ").Append(label).Append(" | ");
        var ratios = new List<double>();
        foreach (var n in sizes)
        {
            var seconds = _seconds[(provider, n, what)];
            md.Append(seconds.ToString("0.000", CultureInfo.InvariantCulture)).Append(" s");
            if (limit is not null)
            {
                var ratio = seconds / _seconds[(provider, n, limit)];
                ratios.Add(ratio);
                md.Append($" (**{ratio.ToString("0.00", CultureInfo.InvariantCulture)}×**)");
            }

            md.Append(" | ");
        }

        if (sizes.Length > 1)
        {
            var growth = _seconds[(provider, sizes[^1], what)] / _seconds[(provider, sizes[0], what)];
            md.Append(growth.ToString("0.0", CultureInfo.InvariantCulture)).Append("×");
            if (ratios.Count > 1)
            {
                md.Append($", ratio {ratios[0].ToString("0.00", CultureInfo.InvariantCulture)} → {ratios[^1].ToString("0.00", CultureInfo.InvariantCulture)}");
            }
        }

        md.AppendLine(" |");
    }
}
