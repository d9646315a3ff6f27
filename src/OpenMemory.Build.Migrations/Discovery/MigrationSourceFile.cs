namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>A migration file as a source provides it: its name, where to point diagnostics, and a way to read its bytes.</summary>
public sealed record MigrationSourceFile(string FileName, string DisplayPath, Func<byte[]> ReadBytes);

/// <summary>Where migration files come from: the file system, or resources embedded in an assembly.</summary>
public interface IMigrationSource
{
    /// <summary>Describes the source in messages, e.g. a folder.</summary>
    string Description { get; }

    IReadOnlyList<MigrationSourceFile> GetFiles();
}
