using System.Collections.Concurrent;
using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Each migration file read once per build and shared by ValidateMigrations, MigrateDatabase and WriteDeployScript.
/// Registered with MSBuild for the length of one build (as sourcelink caches repository
/// data), so a reused node or an IDE never sees the content of an earlier build.
/// </summary>
internal sealed class MigrationFileCache
{
    private const string Key = "OpenMemory.Build.MigrationFileCache";
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

    /// <summary>
    /// One source per list of files and build: its file objects, and so the script the engine reads and decodes from
    /// each (MigrationCatalog keeps it per file object), are shared by the tasks. That is the one cache: the bytes
    /// themselves are not kept as well.
    /// </summary>
    public FileSystemMigrationSource Source(IReadOnlyList<string> paths) =>
        _sources.GetOrAdd(string.Join('\n', paths), _ => new FileSystemMigrationSource(paths));
}
