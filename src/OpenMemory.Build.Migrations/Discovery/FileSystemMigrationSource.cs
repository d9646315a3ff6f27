using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>Migration files named one by one (as MSBuild items), or every <c>*.sql</c> under a folder.</summary>
public sealed class FileSystemMigrationSource : IMigrationSource
{
    private readonly IReadOnlyList<string> _paths;
    private readonly Func<string, byte[]> _readBytes;

    /// <summary>The files at <paramref name="paths"/>; <paramref name="readBytes"/> lets a host share reads between runs of one build.</summary>
    public FileSystemMigrationSource(IEnumerable<string> paths, string? description = null, Func<string, byte[]>? readBytes = null)
    {
        _paths = [.. paths.Select(Path.GetFullPath)];
        _readBytes = readBytes ?? IO.FileBytes.Read;
        Description = description ?? (_paths.Count > 0 ? Path.GetDirectoryName(_paths[0])! : "(no files)");
    }

    public string Description { get; }

    public static FileSystemMigrationSource FromDirectory(string directory) =>
        new(Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [],
            Path.GetFullPath(directory));

    private IReadOnlyList<MigrationSourceFile>? _files;

    /// <summary>The files, looked at once per source: a run asks several times (catalog, lock file).</summary>
    public IReadOnlyList<MigrationSourceFile> GetFiles() =>
        _files ??= [.. _paths.Select(path => new MigrationSourceFile(Path.GetFileName(path), path, () => Read(path)))];

    private byte[] Read(string path)
    {
        try
        {
            return _readBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException(Errors.MigrationFileNotFound(path));
        }
    }
}
