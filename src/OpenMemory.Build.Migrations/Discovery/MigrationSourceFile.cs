namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// A migration file as a source provides it: its name, where to point diagnostics, and a way to read its bytes.
/// Each file object is read and hashed at most once; a new source reads the files anew.
/// </summary>
public sealed class MigrationSourceFile(string fileName, string displayPath, Func<byte[]> readBytes)
{
    public string FileName { get; } = fileName;

    public string DisplayPath { get; } = displayPath;

    public Func<byte[]> ReadBytes { get; } = readBytes;
}

/// <summary>Where migration files come from: the file system, or resources embedded in an assembly.</summary>
public interface IMigrationSource
{
    /// <summary>Describes the source in messages, e.g. a folder.</summary>
    string Description { get; }

    IReadOnlyList<MigrationSourceFile> GetFiles();
}
