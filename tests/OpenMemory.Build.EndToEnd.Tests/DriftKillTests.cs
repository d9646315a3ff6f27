using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>Drift through the packed SDK, killed outright while it builds its scratch copy: the next run leaves nothing behind.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class DriftKillTests(PackedPackages packages, PostgresFixture postgres)
{
    private readonly PostgresServer _server = postgres.Server;

    [Fact]
    public void A_drift_run_killed_mid_scratch_leaves_a_copy_the_next_run_removes_and_the_database_unchanged()
    {
        using var db = Consumer.WithSdk(packages, "DriftKilled");
        db.AddMigration("001_notes.sql", "CREATE TABLE notes (id int PRIMARY KEY, body text);\nINSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 100) g;");
        // Slow only in Drift's scratch copy, so the run can be killed while it builds it.
        db.AddMigration("002_slow.sql", "SELECT pg_sleep(CASE WHEN current_database() LIKE 'omb\\_drift\\_%' THEN 30 ELSE 0 END);\nCREATE INDEX notes_body ON notes (body);");
        var database = _server.CreateDatabase();
        var environment = new Dictionary<string, string?> { ["OMB_DB"] = _server.ConnectionString(database) };
        string[] arguments = ["build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB", "-p:MigrationSchema=app"];
        var apply = db.Dotnet(environment, [.. arguments]);
        Assert.True(apply.Succeeded, apply.Output);
        var before = _server.PgDump(database, "--no-owner");

        var process = ProcessRunner.Start("dotnet", [.. arguments, "-p:MigrationMode=Drift", "--no-restore", "-nodeReuse:false"], db.Directory,
            new Dictionary<string, string?>(environment) { ["NUGET_PACKAGES"] = packages.PackagesCache, ["MSBuildExtensionsPath"] = null, ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null },
            out var output);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!ScratchIsSleeping() && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(50);
        }

        Assert.False(process.HasExited, output.ToString());
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        // Killed outright, the run could not remove its copy; its server process goes once the server sees the client gone.
        Assert.NotEmpty(Scratches());
        var gone = System.Diagnostics.Stopwatch.StartNew();
        while (_server.Rows("SELECT 1 FROM pg_stat_activity WHERE datname LIKE 'omb\\_drift\\_%' OR query LIKE 'SELECT pg_sleep%'").Count > 0 && gone.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(100);
        }

        var again = db.Dotnet(environment, [.. arguments, "-p:MigrationMode=Drift"]);

        Assert.True(again.Succeeded, again.Output);
        Assert.Contains("[MIGRATE] No drift", again.Output);
        Assert.Empty(Scratches());
        Assert.Equal(before, _server.PgDump(database, "--no-owner"));
    }

    private bool ScratchIsSleeping() =>
        _server.Rows("SELECT 1 FROM pg_stat_activity WHERE datname LIKE 'omb\\_drift\\_%' AND query LIKE '%pg_sleep%'").Count > 0;

    private List<object?[]> Scratches() => _server.Rows("SELECT datname FROM pg_database WHERE datname LIKE 'omb\\_drift\\_%'");
}
