using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using OpenMemory.Build.Bench;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Testing;

// Benchmarks against the raw limit, measured in the same run; writes bench/RESULTS.md.
//   dotnet run -c Release --project bench/OpenMemory.Build.Bench [-- --sizes 500,2000 --reps 3 --noop-reps 7]
//   ... -- --plain-build [--sizes 500 --noop-reps 9]: only the plain-build figure (package versus none)
//   ... -- --copy [--rows 300000 --pairs 25]: only the COPY figure (a pg_dump data dump, engine versus psql)
//   ... -- --fan-out [--schemas 100 --migrations 50 --wide 1000]: only the fan-out figures
//   ... -- --shapes [--reps 3]: only the real-world shapes (table rebuilds, a service's changes, a large data file)
//   ... -- --drift [--sizes 500 --noop-reps 5]: only Drift against a no-op MigrateDatabase (the sample, N generated)
//   ... -- --lint [--sizes 2000 --noop-reps 7]: only lint (false positives, agreement with squawk, cost in a plain build)
var sizes = Option("--sizes", "500,2000").Split(',').Select(int.Parse).ToArray();
var reps = int.Parse(Option("--reps", "3"), CultureInfo.InvariantCulture);
var noOpReps = int.Parse(Option("--noop-reps", "7"), CultureInfo.InvariantCulture);
var output = Option("--out", RepositoryPaths.Combine("bench", "RESULTS.md"));
var metadata = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);

using var work = new TempDirectory("omb-bench");
if (args.Contains("--plain-build"))
{
    PlainBuild.Measure(work.Path, metadata["TasksBuildFolder"], metadata["TasksAssembly"], sizes[0], noOpReps, output);
    return 0;
}

if (args.Contains("--lint"))
{
    LintLoad.Measure(work.Path, metadata["TasksBuildFolder"], metadata["TasksAssembly"], sizes.Length == 1 ? sizes[0] : 2000, noOpReps, output);
    return 0;
}

using var server = PostgresServer.Start(durable: true);
if (args.Contains("--copy"))
{
    // Pairs are cheap (about 2 s) and the disk swings by a third between minutes: many, for a steady median.
    CopyLoad.Measure(server, work.Path, int.Parse(Option("--rows", "300000"), CultureInfo.InvariantCulture), int.Parse(Option("--pairs", "25"), CultureInfo.InvariantCulture), output);
    return 0;
}
if (args.Contains("--fan-out"))
{
    FanOutLoad.Measure(server, work.Path, metadata["TasksBuildFolder"], metadata["TasksAssembly"], int.Parse(Option("--schemas", "100"), CultureInfo.InvariantCulture),
        int.Parse(Option("--migrations", "50"), CultureInfo.InvariantCulture), int.Parse(Option("--wide", "1000"), CultureInfo.InvariantCulture), output);
    return 0;
}

if (args.Contains("--drift"))
{
    DriftLoad.Measure(server, work.Path, metadata["TasksBuildFolder"], metadata["TasksAssembly"], sizes.Length == 1 ? sizes[0] : 500, noOpReps, output);
    return 0;
}

if (args.Contains("--shapes"))
{
    RealWorldLoad.Measure(server, work.Path, metadata["TasksBuildFolder"], metadata["TasksAssembly"], reps, output);
    return 0;
}

var results = new Results();
foreach (var n in sizes)
{
    var folder = work.Combine($"m{n}");
    MigrationGenerator.Write(folder, n);
    var project = ConsumerProject.Write(work.Combine($"project{n}"), folder, metadata["TasksBuildFolder"], metadata["TasksAssembly"]);
    var sdkProject = ConsumerProject.Write(work.Combine($"sdk{n}"), folder, metadata["TasksBuildFolder"], metadata["TasksAssembly"], sdkStyle: true);
    var restore = ProcessRunner.Run("dotnet", ["restore", sdkProject]);
    if (!restore.Succeeded)
    {
        throw new InvalidOperationException(restore.Output);
    }
    foreach (var provider in new[] { "sqlite", "postgres" })
    {
        Console.WriteLine($"== {provider}, N = {n}");
        var target = new Target(provider, server, work.Path);
        results.Add(provider, n, "raw limit", Median(reps, () => target.Fresh(), t => target.RawApply(folder)));
        results.Add(provider, n, "engine apply", Median(reps, () => target.Fresh(), t => Time(() => Engine(folder, target.Options(MigrationMode.Apply)))));
        results.Add(provider, n, "build apply", Median(reps, () => target.Fresh(), t => target.Build(project, "MigrateDatabase")));
        var (noOp, empty) = MedianOfPairs(noOpReps, () => target.Build(project, "MigrateDatabase"), () => target.Build(project, "Empty"));
        results.Add(provider, n, "build no-op", noOp);
        results.Add(provider, n, "build empty target", empty);
        var (sdkNoOp, sdkEmpty) = MedianOfPairs(noOpReps, () => target.Build(sdkProject, "MigrateDatabase"), () => target.Build(sdkProject, "Empty"));
        results.Add(provider, n, "sdk build no-op", sdkNoOp);
        results.Add(provider, n, "sdk build empty target", sdkEmpty);
        results.Add(provider, n, "build verify", Median(noOpReps, () => { }, t => target.Build(project, "MigrateDatabase", "-p:MigrationMode=Verify")));
        target.Fresh();
        results.Add(provider, n, "build preview (all pending)", Median(noOpReps, () => { }, t => target.Build(project, "MigrateDatabase", "-p:MigrationMode=Preview")));
    }
}

// The analysis below the marker is written by hand (where the time goes) and kept across runs.
const string AnalysisMarker = "<!-- analysis: kept across runs -->";
var previous = File.Exists(output) ? File.ReadAllText(output) : "";
var analysis = previous.Contains(AnalysisMarker, StringComparison.Ordinal) ? previous[previous.IndexOf(AnalysisMarker, StringComparison.Ordinal)..] : AnalysisMarker + "\n";
File.WriteAllText(output, results.Markdown(sizes, reps, noOpReps) + analysis);
Console.WriteLine($"Wrote {output}");
Console.WriteLine(File.ReadAllText(output));
return 0;

static MigrationResult Engine(string folder, MigrationOptions options)
{
    var result = new Migrator().MigrateAsync(folder, options).GetAwaiter().GetResult();
    return result.Succeeded ? result : throw new InvalidOperationException(string.Join('\n', result.Diagnostics));
}

static double Time(Action action)
{
    var stopwatch = Stopwatch.StartNew();
    action();
    return stopwatch.Elapsed.TotalSeconds;
}

static double Median(int count, Action setUp, Func<int, double> measure)
{
    var samples = new List<double>();
    for (var i = 0; i < count; i++)
    {
        setUp();
        samples.Add(measure(i));
    }

    return MedianOf(samples);
}

// A figure and the limit it is divided by, sampled in turns over the same minutes (each going first every other
// time): measured one block after the other, a slow stretch of this machine landed on one of the two and set the ratio.
static (double First, double Second) MedianOfPairs(int count, Func<double> first, Func<double> second)
{
    var (a, b) = (new List<double>(), new List<double>());
    for (var i = 0; i < count; i++)
    {
        if (i % 2 == 0)
        {
            a.Add(first());
            b.Add(second());
        }
        else
        {
            b.Add(second());
            a.Add(first());
        }
    }

    return (MedianOf(a), MedianOf(b));
}

static double MedianOf(List<double> samples)
{
    var median = ResultsBlock.Median(samples);
    Console.WriteLine($"   {string.Join(", ", samples.Select(s => s.ToString("0.000", CultureInfo.InvariantCulture)))}");
    return median;
}

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
