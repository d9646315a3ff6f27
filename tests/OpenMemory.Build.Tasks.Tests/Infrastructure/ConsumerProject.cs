using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Tasks.Tests.Infrastructure;

/// <summary>
/// A consumer project in a temp folder that imports the task package's build files from source, with the task
/// assembly pointed at the freshly built bits. It has a stand-in Build target, so no restore is needed.
/// </summary>
public sealed class ConsumerProject : IDisposable
{
    private readonly TempDirectory _directory = new("omb-msbuild");

    public ConsumerProject(string name = "Consumer", string extraProperties = "", string extraItems = "")
    {
        ProjectPath = SourceConsumerProject.Write(_directory.Combine($"{name}.proj"), InProcessBuild.TasksBuildFolder, InProcessBuild.TasksAssembly,
            extraProperties, extraItems, targets: """
                <Target Name="Build">
                  <Message Importance="High" Text="compiled" />
                </Target>
                """);
    }

    public string ProjectPath { get; }

    public string Directory => _directory.Path;

    public string DatabasePath => _directory.Combine("data", Path.GetFileNameWithoutExtension(ProjectPath) + ".sqlite");

    public string AddMigration(string fileName, string sql) => _directory.Write(Path.Combine("Migrations", fileName), sql);

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public BuildOutcome Build(string target = "MigrateDatabase", IDictionary<string, string>? properties = null) =>
        InProcessBuild.Run(ProjectPath, target, properties);

    /// <summary>The console output of a build at the given verbosity, as <c>dotnet build -v:x</c> prints it.</summary>
    public (BuildOutcome Outcome, string Console) BuildAt(Microsoft.Build.Framework.LoggerVerbosity verbosity, string mode = "Apply") =>
        InProcessBuild.RunWithConsole(ProjectPath, "MigrateDatabase", verbosity, new Dictionary<string, string> { ["MigrationMode"] = mode });

    public void Dispose() => _directory.Dispose();
}
