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
    private const int Rounds = 7;

    public static void Measure(PostgresServer server, string work, string buildFolder, string tasksAssembly, int schemas, int migrations, int wideSchemas, string output)
    {
        var folder = Path.Combine(work, "fanout-migrations");
        MigrationGenerator.Write(folder, migrations);
        var targets = Enumerable.Range(1, schemas).Select(i => new MigrationTarget($"tenant_{i:0000}")).ToList();

        // CPU per migration, client and server together, of each engine run: when the one-at-a-time run keeps a core
        // busy all the time, two cores can at best halve it.
        var cpuPerMigration = new List<double>();
        double Engine(int parallelism)
        {
            var database = FreshDatabase(server, "fan");
            var (client, serverCpu) = (ProcessCpu.Client(), ProcessCpu.Server(server));
            var clock = Stopwatch.StartNew();
            var result = new Migrator().MigrateAsync(folder, Options(server, database, targets, parallelism)).GetAwaiter().GetResult();
            Require(result);
            var seconds = clock.Elapsed.TotalSeconds;
            cpuPerMigration.Add((ProcessCpu.Client() - client + ProcessCpu.Server(server) - serverCpu) / (schemas * migrations));
            server.DropDatabase(database);
            return seconds;
        }

        // The same work by psql, one schema after another against as many at once as the engine runs: how much
        // parallelism the server and the cores allow at all, measured in the same run.
        var raw = RawLimit.Script(folder, postgres: true);
        double Psql(int streams)
        {
            var database = FreshDatabase(server, "fanraw");
            var scripts = targets.Select(t =>
            {
                var script = Path.Combine(work, $"raw-{t.Name}.sql");
                File.WriteAllText(script, $"CREATE SCHEMA {t.Name};\nSET search_path = {t.Name};\n{raw}");
                return script;
            }).ToList();
            var clock = Stopwatch.StartNew();
            Parallel.ForEach(scripts, new ParallelOptions { MaxDegreeOfParallelism = streams }, script =>
            {
                var result = server.Psql(database, "-q", "-f", script);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(result.Output);
                }
            });
            var seconds = clock.Elapsed.TotalSeconds;
            server.DropDatabase(database);
            return seconds;
        }

        // Rounds after a warm-up run. Each run creates 5,000 tables and indexes that the server flushes afterwards, and
        // whichever run came next paid for that flush: so each run starts on a fresh database after a CHECKPOINT (the
        // one before it dropped), and the four take turns at going first. On this fsync-bound server a run's time
        // still swings from one round to the next, so each round's own ratio is the figure: median and range.
        Engine(Environment.ProcessorCount);
        var (parallelRuns, serialRuns, psqlParallelRuns, psqlSerialRuns) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (engineRatios, psqlRatios) = (new List<double>(), new List<double>());
        var runs = new (List<double> Times, Func<double> Run)[]
        {
            (parallelRuns, () => Engine(Environment.ProcessorCount)),
            (serialRuns, () => Engine(1)),
            (psqlParallelRuns, () => Psql(Environment.ProcessorCount)),
            (psqlSerialRuns, () => Psql(1)),
        };
        for (var i = 0; i < Rounds; i++)
        {
            for (var k = 0; k < runs.Length; k++)
            {
                var (times, run) = runs[(i + k) % runs.Length];
                times.Add(run());
            }

            engineRatios.Add(serialRuns[^1] / parallelRuns[^1]);
            psqlRatios.Add(psqlSerialRuns[^1] / psqlParallelRuns[^1]);
            Console.WriteLine($"round {i + 1}: engine {serialRuns[^1]:0.00} s / {parallelRuns[^1]:0.00} s = {engineRatios[^1]:0.00}, psql {psqlSerialRuns[^1]:0.00} s / {psqlParallelRuns[^1]:0.00} s = {psqlRatios[^1]:0.00}");
        }

        var (parallel, serial) = (ResultsBlock.Median(parallelRuns), ResultsBlock.Median(serialRuns));
        var cpu = ResultsBlock.Median(cpuPerMigration.Skip(1).ToList());
        var serialBusy = ResultsBlock.Median(serialRuns.Select(s => cpu * schemas * migrations / 1000 / s).ToList());
        var (psqlParallel, psqlSerial) = (ResultsBlock.Median(psqlParallelRuns), ResultsBlock.Median(psqlSerialRuns));

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

            {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, default parallelism {Environment.ProcessorCount}. {Rounds} rounds after a warm-up, each running the four
            in-process figures, a different one first each round, each on a fresh database after a CHECKPOINT; times are
            medians, ratios the median (and range) of each round's own ratio. The psql rows
            apply the same files (one transaction and one history row each, as the raw limit does), one psql process per schema,
            one schema at a time or {Environment.ProcessorCount} at once: the parallelism this server and these cores allow at all.

            | Run | Time | Ratio |
            |---|---|---|
            | engine, one target at a time (`MaxParallelism=1`) | {serial.ToString("0.00", invariant)} s | 1.00× |
            | engine, fan-out at the default parallelism | {parallel.ToString("0.00", invariant)} s | {Spread(engineRatios)} faster |
            | psql, one schema at a time | {psqlSerial.ToString("0.00", invariant)} s | 1.00× |
            | psql, {Environment.ProcessorCount} schemas at once | {psqlParallel.ToString("0.00", invariant)} s | {Spread(psqlRatios)} faster |
            | shell loop, one `dotnet build -t:MigrateDatabase` per schema | {loop.ToString("0.0", invariant)} s | 1.00× |
            | one `dotnet build -t:MigrateDatabase` with `MigrationTargetsQuery` | {fanOutBuild.ToString("0.0", invariant)} s | {(loop / fanOutBuild).ToString("0.0", invariant)}× faster |

            CPU per migration, engine process and PostgreSQL server together: {cpu.ToString("0.0", invariant)} ms (median of the engine runs).
            The one-at-a-time run keeps {serialBusy.ToString("0.00", invariant)} cores busy on average (that CPU over its wall time), so {Environment.ProcessorCount} cores leave room
            for at most {(Environment.ProcessorCount / serialBusy).ToString("0.00", invariant)}× by CPU alone.

            {wideSchemas:N0} schemas × 10 migrations in one in-process run: {wide.ToString("0.0", invariant)} s; peak client connections {peakConnections}
            (bound: parallelism {Environment.ProcessorCount} + 1); working set {before / 1048576} MB before, {peakMemory / 1048576} MB at its peak.
            {End}
            """;
        ResultsBlock.Write(output, Begin, End, block);
    }

    private static string FreshDatabase(PostgresServer server, string prefix)
    {
        var database = server.CreateDatabase(prefix);
        server.Execute("CHECKPOINT");
        return database;
    }

    private static string Spread(List<double> ratios) =>
        string.Create(CultureInfo.InvariantCulture, $"{ResultsBlock.Median(ratios):0.00}× ({ratios.Min():0.00}–{ratios.Max():0.00})");

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
