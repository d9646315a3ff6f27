using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests.Infrastructure;

/// <summary>A consumer project created from scratch in a temp folder, with its own nuget.config pointing at the packed packages.</summary>
public sealed class Consumer : IDisposable
{
    private readonly TempDirectory _directory = new("omb-consumer");
    private readonly PackedPackages _packages;

    private Consumer(PackedPackages packages, string name)
    {
        _packages = packages;
        Name = name;
        File.WriteAllText(_directory.Combine("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="openmemory-build-local" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """);
    }

    public string Name { get; }

    public string Directory => _directory.Path;

    public string ProjectPath => _directory.Combine(Name + ".csproj");

    public string DatabasePath => _directory.Combine("data", Name + ".sqlite");

    /// <summary>A database project on the SDK: nothing but the SDK reference and a Migrations folder.</summary>
    public static Consumer WithSdk(PackedPackages packages, string name = "Db")
    {
        var consumer = new Consumer(packages, name);
        File.WriteAllText(consumer.ProjectPath, $"<Project Sdk=\"OpenMemory.Build.Sdk/{packages.Version}\" />\n");
        return consumer;
    }

    /// <summary>An ordinary console app made by 'dotnet new console' that references the task package.</summary>
    public static Consumer ConsoleAppWithPackage(PackedPackages packages, string name = "App")
    {
        var consumer = new Consumer(packages, name);
        var created = Infrastructure.Dotnet.Run(consumer.Directory, packages, "new", "console", "-n", name, "-o", ".", "--no-restore");
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(created.Output);
        }

        var project = File.ReadAllText(consumer.ProjectPath);
        File.WriteAllText(consumer.ProjectPath, project.Replace("</Project>",
            $"  <ItemGroup>\n    <PackageReference Include=\"OpenMemory.Build.Tasks\" Version=\"{packages.Version}\" />\n  </ItemGroup>\n</Project>"));
        return consumer;
    }

    public string AddMigration(string fileName, string sql) => _directory.Write(Path.Combine("Migrations", fileName), sql);

    public string Combine(params string[] parts) => _directory.Combine(parts);

    public ProcessResult Dotnet(params string[] arguments) => Infrastructure.Dotnet.Run(Directory, _packages, arguments);

    public ProcessResult Dotnet(IDictionary<string, string?> environment, params string[] arguments) =>
        Infrastructure.Dotnet.Run(Directory, _packages, environment, arguments);

    public List<string> Query(string sql, string? database = null) => SqliteQuery.Column(database ?? DatabasePath, sql);

    public void Dispose() => _directory.Dispose();
}
