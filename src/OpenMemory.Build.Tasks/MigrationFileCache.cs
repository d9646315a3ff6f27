using System.Collections.Concurrent;
using Microsoft.Build.Framework;

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

    public byte[] Read(string path) => _files.GetOrAdd(path, File.ReadAllBytes);
}
