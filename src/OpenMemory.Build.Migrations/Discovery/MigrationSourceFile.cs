namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// A migration file as a source provides it: its name, where to point diagnostics, and a way to read its bytes.
/// <paramref name="Stamp"/>, when given, changes whenever the content may have (path, length, modification time):
/// files with an unchanged stamp are read and hashed once per process.
/// </summary>
public sealed record MigrationSourceFile(string FileName, string DisplayPath, Func<byte[]> ReadBytes, string? Stamp = null);

/// <summary>Where migration files come from: the file system, or resources embedded in an assembly.</summary>
public interface IMigrationSource
{
    /// <summary>Describes the source in messages, e.g. a folder.</summary>
    string Description { get; }

    IReadOnlyList<MigrationSourceFile> GetFiles();
}
