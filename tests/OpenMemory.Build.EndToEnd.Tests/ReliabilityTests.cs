using System.Diagnostics;
using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>Parallel deploys and killed processes, with real dotnet build processes on both providers.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class ReliabilityTests(PackedPackages packages, PostgresFixture postgres) : IDisposable
{
    private const int Processes = 8;
    private readonly PostgresServer _server = postgres.Server;
    private readonly TempDirectory _shared = new("omb-shared");

    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public void Eight_build_processes_at_once_apply_every_migration_exactly_once(string provider)
    {
        var database = provider == "postgres" ? _server.CreateDatabase() : _shared.Combine("shared.sqlite");
        var projects = Enumerable.Range(0, Processes).Select(i => Project(provider, $"Deploy{i}")).ToList();
        try
        {
            foreach (var project in projects)
            {
                var restore = project.Dotnet("restore");
                Assert.True(restore.Succeeded, restore.Output);
            }

            var started = projects.Select(p => Start(p, provider, database)).ToList();
            var results = started.Select(s => Finish(s.Process, s.Output)).ToList();

            Assert.All(results, r => Assert.True(r.Succeeded, r.Output));
            Assert.Equal(10, results.Sum(r => r.Output.Split('\n').Count(l => l.Contains("completed successfully", StringComparison.Ordinal))));
            var history = provider == "postgres"
                ? _server.Rows("SELECT version FROM shared.schema_migrations ORDER BY version", database).Select(r => (string)r[0]!).ToList()
                : projects[0].Query("SELECT version FROM schema_migrations ORDER BY version", database);
            Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString("000")), history);
            var rows = provider == "postgres"
                ? (long)_server.Scalar("SELECT count(*) FROM shared.counter", database)!
                : long.Parse(projects[0].Query("SELECT count(*) FROM counter", database).Single());
            Assert.Equal(9L, rows);
        }
        finally
        {
            projects.ForEach(p => p.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void A_build_killed_in_the_middle_of_a_long_migration_leaves_nothing_of_it_and_the_next_run_applies_it(string provider)
    {
        var database = provider == "postgres" ? _server.CreateDatabase() : _shared.Combine("killed.sqlite");
        using var project = Consumer.WithSdk(packages, "Killed");
        project.AddMigration("001_base.sql", "CREATE TABLE {{tables.base}} (id INTEGER);");
        project.AddMigration("002_long.sql", provider == "postgres"
            ? "CREATE TABLE {{tables.big}} (id int);\nINSERT INTO {{tables.big}} SELECT generate_series(1, 1000);\nSELECT pg_sleep(60);"
            : "CREATE TABLE big (id INTEGER, pad TEXT);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) INSERT INTO big SELECT i, 'padding padding padding' FROM n;");
        Assert.True(project.Dotnet("restore").Succeeded);

        var (process, output) = Start(project, provider, database);
        var deadline = Stopwatch.StartNew();
        while (!Text(output).Contains("Running migration: 002", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(50);
        }

        Thread.Sleep(provider == "postgres" ? 1000 : 1500);
        Assert.False(process.HasExited, Text(output));
        process.Kill(entireProcessTree: true);
        process.WaitForExit();

        if (provider == "postgres")
        {
            WaitUntil(() => (long)_server.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", database)! == 0);
            Assert.Equal(["001"], _server.Rows("SELECT version FROM shared.schema_migrations", database).Select(r => (string)r[0]!));
            Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'big'", database));
            Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", database));
            project.AddMigration("002_long.sql", "CREATE TABLE {{tables.big}} (id int);\nINSERT INTO {{tables.big}} SELECT generate_series(1, 1000);\nSELECT pg_sleep(60);");
        }
        else
        {
            Assert.Equal(["001"], project.Query("SELECT version FROM schema_migrations", database));
            Assert.Empty(project.Query("SELECT name FROM sqlite_master WHERE name = 'big'", database));
        }

        // The next run is not blocked by anything the killed one left, and applies the migration cleanly.
        var shorter = provider == "postgres"
            ? "CREATE TABLE {{tables.big}} (id int);\nINSERT INTO {{tables.big}} SELECT generate_series(1, 1000);\nSELECT pg_sleep(60);".Replace("pg_sleep(60)", "pg_sleep(0)")
            : "CREATE TABLE big (id INTEGER, pad TEXT);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO big SELECT i, 'padding padding padding' FROM n;";
        File.WriteAllText(Path.Combine(project.Directory, "Migrations", "002_long.sql"), shorter);
        var (again, againOutput) = Start(project, provider, database, lockTimeoutSeconds: 10);
        var result = Finish(again, againOutput);
        Assert.True(result.Succeeded, result.Output);
        var count = provider == "postgres"
            ? (long)_server.Scalar("SELECT count(*) FROM shared.big", database)!
            : long.Parse(project.Query("SELECT count(*) FROM big", database).Single());
        Assert.Equal(1000L, count);
    }

    private Consumer Project(string provider, string name)
    {
        var project = Consumer.WithSdk(packages, name);
        project.AddMigration("001_counter.sql", "CREATE TABLE {{tables.counter}} (n INTEGER);");
        for (var i = 2; i <= 10; i++)
        {
            project.AddMigration($"{i:000}_step.sql", $"CREATE TABLE {{{{tables.t{i}}}}} (id INTEGER);\nINSERT INTO {{{{tables.counter}}}} VALUES ({i});");
        }

        return project;
    }

    private (Process Process, System.Text.StringBuilder Output) Start(Consumer project, string provider, string database, int lockTimeoutSeconds = 120)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = packages.PackagesCache,
            ["OMB_DB"] = provider == "postgres" ? _server.ConnectionString(database) : $"Data Source={database}",
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
        };
        var process = ProcessRunner.Start("dotnet",
            ["build", "--no-restore", "-t:MigrateDatabase", "-nodeReuse:false", "-v:n", $"-p:MigrationProvider={provider}", "-p:MigrationModule=shared",
             "-p:MigrationSchema=shared", "-p:MigrationConnectionStringVariable=OMB_DB", $"-p:MigrationRunLockTimeout={lockTimeoutSeconds}", "-p:MigrationUseLockFile=false"],
            project.Directory, environment, out var output);
        return (process, output);
    }

    private static ProcessResult Finish(Process process, System.Text.StringBuilder output)
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, Text(output));
    }

    private static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        _shared.Dispose();
    }
}
