using System.Reflection;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// Migrations embedded in an assembly by the task package (<c>MigrationsEmbedInAssembly=true</c>) under the logical
/// names <c>omb-migrations/FILE.sql</c>. The bytes are the files' bytes, so checksums equal the files' checksums.
/// </summary>
public sealed class EmbeddedResourceMigrationSource(Assembly assembly, string prefix = EmbeddedResourceMigrationSource.DefaultPrefix) : IMigrationSource
{
    public const string DefaultPrefix = "omb-migrations/";

    public string Description => $"resources of {assembly.GetName().Name}";

    public IReadOnlyList<MigrationSourceFile> GetFiles() =>
    [
        .. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(name => new MigrationSourceFile(name[prefix.Length..], $"{assembly.GetName().Name}!{name}", () => Read(name))),
    ];

    private byte[] Read(string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
