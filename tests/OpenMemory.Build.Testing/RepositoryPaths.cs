namespace OpenMemory.Build.Testing;

public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding OpenMemory.Build.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string SampleMigrations => Combine("samples", "OpenMemory", "Migrations");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OpenMemory.Build.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OpenMemory.Build.sln was not found above " + AppContext.BaseDirectory);
    }
}
