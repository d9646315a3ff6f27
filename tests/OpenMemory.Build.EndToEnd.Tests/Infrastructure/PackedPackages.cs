using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Packs the three packages once for the whole assembly, from a copy of the sources (so the build never touches
/// binaries other test processes have loaded), with a version no cache has seen, into a local folder.
/// </summary>
public sealed class PackedPackages : IDisposable
{
    private readonly TempDirectory _root = new("omb-e2e");

    public PackedPackages()
    {
        Version = $"1.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Feed = _root.Combine("packages");
        PackagesCache = _root.Combine("nuget-cache");
        var sources = _root.Combine("src-copy");
        CopySources(sources);
        foreach (var project in new[] { "src/OpenMemory.Build.Migrations", "src/OpenMemory.Build.Tasks", "sdk/OpenMemory.Build.Sdk" })
        {
            var pack = Dotnet.Run(sources, this, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}");
            if (!pack.Succeeded)
            {
                throw new InvalidOperationException($"dotnet pack {project} failed:\n{pack.Output}");
            }
        }
    }

    public string Version { get; }

    public string Feed { get; }

    /// <summary>An empty global packages folder for the consumers, so no stale package is ever used.</summary>
    public string PackagesCache { get; }

    public string Root => _root.Path;

    public void Dispose()
    {
        Dotnet.Run(_root.Path, this, "build-server", "shutdown");
        _root.Dispose();
    }

    private static void CopySources(string destination)
    {
        foreach (var file in new[] { "Directory.Build.targets", "nuget.config", "README.md" })
        {
            Directory.CreateDirectory(destination);
            File.Copy(RepositoryPaths.Combine(file), Path.Combine(destination, file));
        }

        foreach (var folder in new[] { "src", "sdk" })
        {
            CopyTree(RepositoryPaths.Combine(folder), Path.Combine(destination, folder));
        }
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>, ICollectionFixture<PostgresFixture>, ICollectionFixture<StartupSample>
{
    public const string Name = "packed";
}
