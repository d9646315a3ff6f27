using System.Diagnostics;
using System.Globalization;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Bench;

/// <summary>
/// Fan-out on PostgreSQL: S tenant schemas × M migrations in one run at the default parallelism, against the same
/// run one target at a time, and against what users do without it, a shell loop of one dotnet build per schema.
/// Then peak memory and peak connections at 1,000 schemas. The figures replace their own block in RESULTS.md.
/// </summary>
internal static class FanOutLoad
{
    private const string Begin = "<!-- fan-out -->";
    private const string End = "<!-- /fan-out -->";

    public static void Measure(PostgresServer server, string work, string buildFolder, string tasksAssembly, int schemas, int migrations, int wideSchemas, string output)
    {
        var folder = Path.Combine(work, "fanout-migrations");
        MigrationGenerator.Write(folder, migrations);
        var targets = Enumerable.Range(1, schemas).Select(i => new MigrationTarget($"tenant_{i:0000}")).ToList();

        double Engine(int parallelism)
        {
            var database = server.CreateDatabase("fan");
            var clock = Stopwatch.StartNew();
            var result = new Migrator().MigrateAsync(folder, Options(server, database, targets, parallelism)).GetAwaiter().GetResult();
            Require(result);
            return clock.Elapsed.TotalSeconds;
        }

        Engine(Environment.ProcessorCount);
        var parallel = Engine(Environment.ProcessorCount);
        var serial = Engine(1);
        Console.WriteLine($"fan-out engine: parallel {parallel:0.00} s, one at a time {serial:0.00} s");

        // Through dotnet build: one fan-out build, and a shell loop of one build per schema.
        var project = ConsumerProject.Write(Path.Combine(work, "fanout-project"), folder, buildFolder, tasksAssembly);
        var fanOutDatabase = server.CreateDatabase("fanb");
        server.Execute("CREATE TABLE public.tenants (schema_name text);\n" + $"INSERT INTO public.tenants SELECT 'tenant_' || lpad(g::text, 4, '0') FROM generate_series(1, {schemas}) g;", fanOutDatabase);
        var fanOutBuild = Build(server, fanOutDatabase, project, "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants");
        var loopDatabase = server.CreateDatabase("loop");
        var loop = targets.Sum(t => Build(server, loopDatabase, project, $"-p:MigrationSchema={t.Name}"));
        Console.WriteLine($"fan-out build {fanOutBuild:0.00} s, shell loop {loop:0.00} s");

        // 1,000 schemas: peak connections (sampled) and the managed heap's peak, in this process.
        var wideDatabase = server.CreateDatabase("wide");
        var wideTargets = Enumerable.Range(1, wideSchemas).Select(i => new MigrationTarget($"w{i:0000}")).ToList();
        var wideFolder = Path.Combine(work, "fanout-wide");
        MigrationGenerator.Write(wideFolder, 10);
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        double wide;
        int peakConnections;
        long peakMemory;
        using (var watch = new ConnectionWatch(server, wideDatabase))
        {
            var wideClock = Stopwatch.StartNew();
            Require(new Migrator().MigrateAsync(wideFolder, Options(server, wideDatabase, wideTargets, Environment.ProcessorCount)).GetAwaiter().GetResult());
            wide = wideClock.Elapsed.TotalSeconds;
            (peakConnections, peakMemory) = (watch.Peak, watch.PeakWorkingSet);
        }

        var invariant = CultureInfo.InvariantCulture;
        var block = $"""
            {Begin}
            ### Fan-out: {schemas} tenant schemas × {migrations} migrations (PostgreSQL)

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, default parallelism {Environment.ProcessorCount}; one run each, after a warm-up run.

            | Run | Time | Ratio |
            |---|---|---|
            | engine, one target at a time (`MaxParallelism=1`) | {serial.ToString("0.00", invariant)} s | 1.00× |
            | engine, fan-out at the default parallelism | {parallel.ToString("0.00", invariant)} s | {(serial / parallel).ToString("0.00", invariant)}× faster |
            | shell loop, one `dotnet build -t:MigrateDatabase` per schema | {loop.ToString("0.0", invariant)} s | 1.00× |
            | one `dotnet build -t:MigrateDatabase` with `MigrationTargetsQuery` | {fanOutBuild.ToString("0.0", invariant)} s | {(loop / fanOutBuild).ToString("0.0", invariant)}× faster |

            {wideSchemas:N0} schemas × 10 migrations in one in-process run: {wide.ToString("0.0", invariant)} s; peak client connections {peakConnections}
            (bound: parallelism {Environment.ProcessorCount} + 1); working set {before / 1048576} MB before, {peakMemory / 1048576} MB at its peak.
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }

    private static MigrationOptions Options(PostgresServer server, string database, IReadOnlyList<MigrationTarget> targets, int parallelism) => new()
    {
        Module = "bench",
        Provider = "postgres",
        ConnectionString = server.ConnectionString(database),
        Targets = targets,
        MaxParallelism = parallelism,
        LockTimeout = TimeSpan.FromMinutes(5),
    };

    private static void Require(MigrationResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join('\n', result.Diagnostics.Take(5)));
        }
    }

    private static double Build(PostgresServer server, string database, string project, params string[] extra)
    {
        var clock = Stopwatch.StartNew();
        var result = ProcessRunner.Run("dotnet", ["build", project, "--no-restore", "-t:MigrateDatabase", "-nodeReuse:false", "-p:MigrationProvider=postgres",
                "-p:MigrationConnectionStringVariable=OMB_BENCH_DB", "-p:MigrationAllowPublicSchema=false", .. extra],
            environment: new Dictionary<string, string?> { ["OMB_BENCH_DB"] = server.ConnectionString(database), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(result.Output);
        }

        return clock.Elapsed.TotalSeconds;
    }
}
