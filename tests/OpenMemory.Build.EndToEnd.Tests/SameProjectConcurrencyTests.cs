using System.Diagnostics;
using System.Text.Json;
using OpenMemory.Build.EndToEnd.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests;

/// <summary>
/// One project built several times at once (one obj/ folder, one database): a developer's shell beside an IDE, or
/// a CI script that fans out. Every run must succeed and apply each migration once; the report, preview and lock
/// file must always be whole.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class SameProjectConcurrencyTests(PackedPackages packages)
{
    private const int Processes = 8;
    private const int Rounds = 10;

    [Fact]
    public void Eight_builds_of_one_packed_sdk_project_succeed_round_after_round()
    {
        using var project = Consumer.WithSdk(packages, "Same");
        project.AddMigration("001_counter.sql", "CREATE TABLE counter (round INTEGER);");
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = packages.PackagesCache,
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
        };

        // Restored once, as README says: NuGet's restore of one project from several processes at once can collide.
        Assert.True(project.Dotnet("restore").Succeeded);
        for (var round = 1; round <= Rounds; round++)
        {
            project.AddMigration($"{round + 1:000}_round.sql", $"-- omb:no-transaction\nINSERT INTO counter VALUES ({round});\n");
            var results = RunAtOnce(() => ProcessRunner.Start("dotnet", ["build", "--no-restore", "-t:MigrateDatabase", "-nodeReuse:false"], project.Directory, environment, out var output) is var p ? (p, output) : default);

            AssertRound(round, results, project.DatabasePath);
            AssertWholeJson(Path.Combine(project.Directory, "obj", "migrations", "Same.report.json"));
            AssertWholeJson(Path.Combine(project.Directory, "migrations.lock.json"));
        }
    }

    [Fact]
    public void Eight_builds_of_the_in_repository_sample_from_a_fresh_copy_succeed_round_after_round()
    {
        using var copy = new TempDirectory("omb-repo-copy");
        foreach (var folder in new[] { "src", "samples" })
        {
            CopyTree(RepositoryPaths.Combine(folder), Path.Combine(copy.Path, folder));
        }

        foreach (var file in new[] { "Directory.Build.targets", "nuget.config", "OpenMemory.Build.sln" })
        {
            File.Copy(RepositoryPaths.Combine(file), copy.Combine(file));
        }

        var sample = copy.Combine("samples", "OpenMemory", "OpenMemory.Database.csproj");
        var database = copy.Combine("data", "same.sqlite");
        var extra = copy.Combine("samples", "OpenMemory", "Migrations", "9.0.0_round.sql");
        var environment = new Dictionary<string, string?> { ["MSBuildExtensionsPath"] = null, ["MSBuildSDKsPath"] = null, ["MSBUILD_EXE_PATH"] = null };
        var restore = ProcessRunner.Run("dotnet", ["restore", sample], copy.Path, environment);
        Assert.True(restore.Succeeded, restore.Output);
        for (var round = 1; round <= Rounds; round++)
        {
            if (round > 1)
            {
                File.WriteAllText(extra.Replace("9.0.0", $"9.0.{round}"), $"CREATE TABLE round_{round} (id INTEGER);");
            }

            var results = RunAtOnce(() => ProcessRunner.Start("dotnet",
                ["build", sample, "--no-restore", "-t:MigrateDatabase", "-nodeReuse:false", $"-p:MigrationSqliteDatabase={database}"], copy.Path, environment, out var output) is var p ? (p, output) : default);

            Assert.All(results, r => Assert.True(r.Succeeded, r.Output));
            Assert.Equal(round == 1 ? 3 : 1, results.Sum(r => r.Output.Split('\n').Count(l => l.Contains("completed successfully", StringComparison.Ordinal))));
            Assert.Equal(round == 1 ? 3 : 3 + round - 1, SqliteQuery.Column(database, "SELECT count(*) FROM schema_migrations").Select(long.Parse).Single());
            AssertWholeJson(copy.Combine("samples", "OpenMemory", "obj", "migrations", "openmemory.report.json"));
        }
    }

    private static List<ProcessResult> RunAtOnce(Func<(Process Process, System.Text.StringBuilder Output)> start)
    {
        var started = Enumerable.Range(0, Processes).Select(_ => start()).ToList();
        return [.. started.Select(s =>
        {
            if (!s.Process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                s.Process.Kill(entireProcessTree: true);
            }

            s.Process.WaitForExit();
            lock (s.Output)
            {
                return new ProcessResult(s.Process.ExitCode, s.Output.ToString());
            }
        })];
    }

    private static void AssertRound(int round, List<ProcessResult> results, string database)
    {
        Assert.All(results, r => Assert.True(r.Succeeded, r.Output));
        var completed = results.Sum(r => r.Output.Split('\n').Count(l => l.Contains("completed successfully", StringComparison.Ordinal)));
        Assert.Equal(round == 1 ? 2 : 1, completed);
        Assert.Equal(Enumerable.Range(1, round).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            SqliteQuery.Column(database, "SELECT round FROM counter ORDER BY round"));
    }

    private static void AssertWholeJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, directory);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "data"))
            {
                Directory.CreateDirectory(Path.Combine(to, relative));
            }
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "data"))
            {
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }
}
