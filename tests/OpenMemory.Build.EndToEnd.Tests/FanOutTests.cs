using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>Fan-out through the packed SDK: many tenant schemas in one dotnet build.</summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class FanOutTests(PackedPackages packages, PostgresFixture postgres)
{
    private readonly PostgresServer _server = postgres.Server;

    [Fact]
    public void Two_hundred_tenant_schemas_times_twenty_migrations_in_one_build_each_end_at_the_same_version()
    {
        using var db = Consumer.WithSdk(packages, "Tenants");
        db.AddMigration("001_items.sql", "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\nINSERT INTO items (name) VALUES ('a'), ('b');");
        for (var i = 2; i <= 20; i++)
        {
            db.AddMigration($"{i:000}_step.sql", $"ALTER TABLE items ADD COLUMN c{i} integer NOT NULL DEFAULT {i};");
        }

        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text);\nINSERT INTO public.tenants SELECT 'tenant_' || lpad(g::text, 4, '0') FROM generate_series(1, 200) g;", database);
        var environment = new Dictionary<string, string?> { ["OMB_DB"] = _server.ConnectionString(database) };

        var migrate = db.Dotnet(environment, "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB",
            "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants", "-p:MigrationReportFile=obj/report.json");

        Assert.True(migrate.Succeeded, migrate.Output);
        Assert.Contains("[MIGRATE] 200 target(s): 200 ok, 0 failed, 0 skipped; 4000 migration(s) applied", migrate.Output);
        Assert.Contains("[MIGRATE] 200/200 tenant_", migrate.Output);
        Assert.Equal(200L, _server.Scalar("SELECT count(DISTINCT table_schema) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'c20'", database));
        Assert.Equal([20L], _server.Rows(
            "SELECT DISTINCT (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.schema_migrations WHERE module_name = ''Tenants''', schema_name), false, true, '')))[1]::text::bigint FROM public.tenants", database)
            .Select(r => Convert.ToInt64(r[0])));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(db.Combine("obj", "report.json")));
        Assert.Equal(200, report.RootElement.GetProperty("targets").GetArrayLength());

        var again = db.Dotnet(environment, "build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB",
            "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants");
        Assert.True(again.Succeeded, again.Output);
        Assert.Contains("[MIGRATE] 200 target(s): 200 ok, 0 failed, 0 skipped; 0 migration(s) applied", again.Output);
    }

    private static readonly string[] Shards = ["0/2", "1/2"];

    [Fact]
    public async Task Two_shards_in_two_processes_at_once_cover_every_target_exactly_once()
    {
        using var db = Consumer.WithSdk(packages, "Sharded");
        db.AddMigration("001_items.sql", "CREATE TABLE items (id int);");
        db.AddMigration("002_more.sql", "CREATE TABLE more (id int);");
        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text);\nINSERT INTO public.tenants SELECT 's' || g FROM generate_series(1, 30) g;", database);
        var environment = new Dictionary<string, string?> { ["OMB_DB"] = _server.ConnectionString(database) };
        Assert.True(db.Dotnet("restore").Succeeded);

        var runs = Shards.Select(shard => Task.Run(() => db.Dotnet(environment, "build", "--no-restore", "-t:MigrateDatabase", "-p:MigrationProvider=postgres",
            "-p:MigrationConnectionStringVariable=OMB_DB", "-p:MigrationUseLockFile=false", "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants",
            $"-p:MigrationTargetShard={shard}"))).ToArray();
        var results = await Task.WhenAll(runs);

        var counts = results.Select(r =>
        {
            Assert.True(r.Succeeded, r.Output);
            var summary = System.Text.RegularExpressions.Regex.Match(r.Output, @"\[MIGRATE\] (\d+) target\(s\): \1 ok, 0 failed, 0 skipped; (\d+) migration\(s\) applied");
            Assert.True(summary.Success, r.Output);
            Assert.Equal(int.Parse(summary.Groups[1].Value) * 2, int.Parse(summary.Groups[2].Value));
            return int.Parse(summary.Groups[1].Value);
        }).ToList();
        Assert.Equal(30, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 1, 29));
        Assert.Equal(30L, _server.Scalar("SELECT count(DISTINCT table_schema) FROM information_schema.tables WHERE table_name = 'more'", database));
    }

    [Fact]
    public void A_fan_out_killed_mid_run_leaves_no_migration_half_applied_and_the_next_run_finishes_every_target()
    {
        using var db = Consumer.WithSdk(packages, "Killed");
        for (var k = 1; k <= 3; k++)
        {
            db.AddMigration($"{k:000}_m{k}.sql", $"CREATE TABLE m{k} (id int);\nINSERT INTO m{k} SELECT generate_series(1, 100);\nSELECT pg_sleep(0.1);\nCREATE INDEX m{k}_id ON m{k} (id);");
        }

        var database = _server.CreateDatabase();
        _server.Execute("CREATE TABLE public.tenants (schema_name text);\nINSERT INTO public.tenants SELECT 'k' || g FROM generate_series(1, 40) g;", database);
        var environment = new Dictionary<string, string?> { ["OMB_DB"] = _server.ConnectionString(database) };
        string[] arguments = ["build", "-t:MigrateDatabase", "-p:MigrationProvider=postgres", "-p:MigrationConnectionStringVariable=OMB_DB",
            "-p:MigrationTargetsQuery=SELECT schema_name FROM public.tenants", "-p:MigrationMaxParallelism=2"];
        Assert.True(db.Dotnet("restore").Succeeded);

        var process = ProcessRunner.Start("dotnet", [.. arguments, "--no-restore", "-nodeReuse:false"], db.Directory,
            new Dictionary<string, string?>(environment) { ["NUGET_PACKAGES"] = packages.PackagesCache, ["MSBuildExtensionsPath"] = null, ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null },
            out var output);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!Text(output).Contains("[MIGRATE] 4/40 ", StringComparison.Ordinal) && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        Assert.False(process.HasExited, Text(output));
        process.Kill(entireProcessTree: true);
        process.WaitForExit();

        // Every schema holds exactly the tables of the migrations its history records.
        var consistent = _server.Rows("""
            SELECT t.schema_name,
                   (SELECT count(*) FROM information_schema.tables i WHERE i.table_schema = t.schema_name AND i.table_name LIKE 'm_'),
                   coalesce((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.schema_migrations', t.schema_name), false, true, '')))[1]::text::bigint, 0)
            FROM public.tenants t WHERE EXISTS (SELECT 1 FROM information_schema.tables i WHERE i.table_schema = t.schema_name AND i.table_name = 'schema_migrations')
            """, database);
        Assert.NotEmpty(consistent);
        Assert.All(consistent, row => Assert.Equal(Convert.ToInt64(row[1]), Convert.ToInt64(row[2])));
        Assert.True(consistent.Count < 40 || consistent.Any(row => Convert.ToInt64(row[2]) < 3), "the run was meant to be killed before it finished");

        var again = db.Dotnet(environment, [.. arguments]);
        Assert.True(again.Succeeded, again.Output);
        Assert.Equal(40L, _server.Scalar("SELECT count(DISTINCT table_schema) FROM information_schema.tables WHERE table_name = 'm3'", database));
    }

    private static string Text(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
