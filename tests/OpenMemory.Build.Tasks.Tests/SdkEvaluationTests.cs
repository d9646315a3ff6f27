using Microsoft.Build.Evaluation;
using OpenMemory.Build.Testing;
using OpenMemory.Build.Tasks.Tests.Infrastructure;

namespace OpenMemory.Build.Tasks.Tests;

/// <summary>
/// The SDK evaluated in-process from the source tree, laid out as its package is (Sdk/ and msbuild/), as NoTargets'
/// tests do; the packed SDK is tested end to end beside these.
/// </summary>
[Collection(MSBuildCollection.Name)]
public sealed class SdkEvaluationTests : IDisposable
{
    private readonly TempDirectory _directory = new("omb-sdk-eval");

    [Fact]
    public void A_database_project_on_the_sdk_has_its_migrations_and_defaults_and_compiles_nothing()
    {
        var project = WriteProject("Inventory.Database", "<PropertyGroup><ModuleSeenByBody>$(MigrationModule)</ModuleSeenByBody></PropertyGroup><ItemGroup><Migration Remove=\"Migrations/drafts/**\" /></ItemGroup>");
        _directory.Write(Path.Combine("project", "Migrations", "001_items.sql"), "CREATE TABLE items (id INTEGER);");
        _directory.Write(Path.Combine("project", "Migrations", "drafts", "002_draft.sql"), "SELECT 1;");
        _directory.Write(Path.Combine("project", "Program.cs"), "class Nothing {}");

        using var collection = new ProjectCollection();
        var evaluated = collection.LoadProject(project);

        Assert.Equal("true", evaluated.GetPropertyValue("UsingOpenMemoryBuildSdk"));
        Assert.Equal("true", evaluated.GetPropertyValue("UsingOpenMemoryBuildTasks"));
        Assert.Equal("Inventory.Database", evaluated.GetPropertyValue("ModuleSeenByBody"));
        Assert.Equal(["001_items.sql"], evaluated.GetItems("Migration").Select(i => Path.GetFileName(i.EvaluatedInclude)));
        Assert.Empty(evaluated.GetItems("Compile"));
        Assert.Empty(evaluated.GetItems("IntermediateAssembly"));
        Assert.Contains("MigrateDatabase", evaluated.Targets.Keys);
        Assert.Contains("ValidateMigrations", evaluated.Targets.Keys);
        Assert.DoesNotContain("//", evaluated.GetPropertyValue("MigrationReportFile"));
        Assert.EndsWith(Path.Combine("obj", "migrations", "Inventory.Database.report.json"), evaluated.GetPropertyValue("MigrationReportFile"));
    }

    private string WriteProject(string name, string body)
    {
        var package = _directory.Combine("package");
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("sdk", "OpenMemory.Build.Sdk", "Sdk")))
        {
            Copy(file, Path.Combine(package, "Sdk", Path.GetFileName(file)));
        }

        foreach (var file in Directory.GetFiles(InProcessBuild.TasksBuildFolder))
        {
            Copy(file, Path.Combine(package, "msbuild", Path.GetFileName(file)));
        }

        var path = _directory.Combine("project", name + ".csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <Project>
              <Import Project="{package}/Sdk/Sdk.props" />
              {body}
              <Import Project="{package}/Sdk/Sdk.targets" />
            </Project>
            """);
        return path;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
    }

    public void Dispose() => _directory.Dispose();
}
