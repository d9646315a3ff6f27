using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using System.Reflection;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>
/// The StartupMigrations sample: applications that migrate at start-up share one engine, one history and one
/// checksum rule with dotnet build -t:MigrateDatabase.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class StartupMigrationTests(StartupSample sample, PostgresFixture postgres) : IDisposable
{
    private readonly PostgresServer _server = postgres.Server;
    private readonly TempDirectory _directory = new("omb-startup");

    public static TheoryData<string> Providers => ["sqlite", "postgres"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Eight_instances_in_one_process_and_in_separate_processes_apply_each_migration_once(string provider)
    {
        var connection = provider == "postgres" ? _server.ConnectionString(_server.CreateDatabase()) : $"Data Source={_directory.Combine("notes.sqlite")}";
        var embedded = new EmbeddedResourceMigrationSource(Assembly.LoadFrom(sample.AssemblyPath));

        var processes = Enumerable.Range(0, 4).Select(_ => Task.Run(() => sample.Run(connection, ["standalone", provider]))).ToList();
        var inProcess = Enumerable.Range(0, 4).Select(_ => Task.Run(() => new Migrator().MigrateAsync(embedded,
            new MigrationOptions { Module = "notes", Provider = provider, ConnectionString = connection, Schema = "notes" }))).ToList();
        var processResults = await Task.WhenAll(processes);
        var engineResults = await Task.WhenAll(inProcess);

        Assert.All(processResults, r => Assert.True(r.Succeeded, r.Output));
        Assert.All(engineResults, r => Assert.True(r.Succeeded, string.Join('\n', r.Diagnostics)));
        var appliedByProcesses = processResults.Sum(r => r.Output.Split('\n').Count(l => l.Contains("completed successfully", StringComparison.Ordinal)));
        Assert.Equal(2, appliedByProcesses + engineResults.Sum(r => r.AppliedNowCount));
        var verify = await new Migrator().MigrateAsync(embedded, new MigrationOptions
        {
            Module = "notes", Provider = provider, ConnectionString = connection, Schema = "notes", Mode = MigrationMode.Verify, FailOnPending = true,
        });
        Assert.True(verify.Succeeded, string.Join('\n', verify.Diagnostics));
        Assert.Equal(2, verify.Skipped.Count);
    }

    [Fact]
    public void A_database_migrated_by_the_build_is_up_to_date_for_the_application_and_the_reverse()
    {
        var byBuild = _directory.Combine("by-build.sqlite");
        var build = sample.MigrateWithBuild($"-p:MigrationSqliteDatabase={byBuild}");
        Assert.True(build.Succeeded, build.Output);
        var verify = sample.Run($"Data Source={byBuild}", ["standalone", "sqlite", "--verify"]);
        Assert.True(verify.Succeeded, verify.Output);
        Assert.Contains("[MIGRATE] Verified: 2 applied, 0 pending; checksums match", verify.Output);

        var byApp = _directory.Combine("by-app.sqlite");
        var apply = sample.Run($"Data Source={byApp}", ["standalone", "sqlite"]);
        Assert.True(apply.Succeeded, apply.Output);
        var gate = sample.MigrateWithBuild($"-p:MigrationSqliteDatabase={byApp}", "-p:MigrationMode=Verify", "-p:MigrationFailOnPending=true");
        Assert.True(gate.Succeeded, gate.Output);
        Assert.Contains("[MIGRATE] Verified: 2 applied, 0 pending; checksums match", gate.Output);
    }

    [Fact]
    public void The_library_and_shared_pool_patterns_put_tables_in_their_schemas_and_keep_the_pool_usable()
    {
        var database = _server.CreateDatabase();
        var connection = _server.ConnectionString(database) + ";Pooling=true";

        var library = sample.Run(connection, ["library"]);
        Assert.True(library.Succeeded, library.Output);
        var shared = sample.Run(connection, ["shared-pool"], schema: "app_notes");
        Assert.True(shared.Succeeded, shared.Output);
        Assert.Contains("notes: 0", shared.Output);

        Assert.Equal(["app_notes.note_links", "app_notes.notes", "app_notes.schema_migrations", "notes_lib.note_links", "notes_lib.notes", "notes_lib.schema_migrations"],
            _server.Rows("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('notes_lib', 'app_notes') ORDER BY 1", database).Select(r => (string)r[0]!));
    }

    public void Dispose()
    {
        _directory.Dispose();
    }
}

/// <summary>Builds the StartupMigrations sample once, into its own configuration.</summary>
public sealed class StartupSample
{
    private const string Configuration = "EndToEnd";
    private static readonly string Project = RepositoryPaths.Combine("samples", "StartupMigrations", "StartupMigrations.csproj");

    public StartupSample()
    {
        var build = ProcessRunner.Run("dotnet", ["build", Project, "-c", Configuration, $"-p:OpenMemoryBuildTasksConfiguration={Configuration}", "-p:MigrationUseLockFile=false"],
            RepositoryPaths.Root, Clean(), TimeSpan.FromMinutes(5));
        if (!build.Succeeded)
        {
            throw new InvalidOperationException(build.Output);
        }
    }

    public string AssemblyPath => RepositoryPaths.Combine("samples", "StartupMigrations", "bin", Configuration, "net10.0", "StartupMigrations.dll");


    public ProcessResult MigrateWithBuild(params string[] properties) =>
        ProcessRunner.Run("dotnet", ["build", Project, "-t:MigrateDatabase", "-c", Configuration, $"-p:OpenMemoryBuildTasksConfiguration={Configuration}", "-p:MigrationUseLockFile=false", .. properties],
            RepositoryPaths.Root, Clean(), TimeSpan.FromMinutes(5));

    public ProcessResult Run(string connection, string[] arguments, string? schema = null)
    {
        var environment = Clean();
        environment["OMB_APP_DB"] = connection;
        environment["OMB_APP_SCHEMA"] = schema ?? "notes";
        return ProcessRunner.Run("dotnet", [AssemblyPath, .. arguments], Path.GetTempPath(), environment, TimeSpan.FromMinutes(2));
    }

    private static Dictionary<string, string?> Clean() => new() { ["MSBuildExtensionsPath"] = null, ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null };
}

