using System.Collections.Concurrent;
using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// The bytes of each migration file, read once per build and shared by ValidateMigrations, MigrateDatabase and
/// WriteDeployScript. Registered with MSBuild for the length of one build (as sourcelink caches repository
/// data), so a reused node or an IDE never sees the content of an earlier build.
/// </summary>
internal sealed class MigrationFileCache
{
    private const string Key = "OpenMemory.Build.MigrationFileCache";
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FileSystemMigrationSource> _sources = new(StringComparer.Ordinal);

    public static MigrationFileCache For(IBuildEngine engine)
    {
        if (engine is not IBuildEngine4 registry)
        {
            return new MigrationFileCache();
        }

        if (registry.GetRegisteredTaskObject(Key, RegisteredTaskObjectLifetime.Build) is MigrationFileCache cached)
        {
            return cached;
        }

        var cache = new MigrationFileCache();
        registry.RegisterTaskObject(Key, cache, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);
        return cache;
    }

    public byte[] Read(string path) => _files.GetOrAdd(path, Migrations.IO.FileBytes.Read);

    /// <summary>
    /// One source per list of files and build: its file objects, and so the text the engine decodes from them
    /// (MigrationCatalog keeps it per file object), are shared by the tasks. Each task decoding its own copy put a
    /// large file's text in memory twice over.
    /// </summary>
    public FileSystemMigrationSource Source(IReadOnlyList<string> paths) =>
        _sources.GetOrAdd(string.Join('\n', paths), _ => new FileSystemMigrationSource(paths, readBytes: Read));
}
