namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// One migration ready to plan: the file chosen for the active provider, the text that runs and the checksum of
/// the whole file. <see cref="Text"/> keeps the file's line numbers: in a dbmate file, lines outside the
/// <c>-- migrate:up</c> section are blank.
/// </summary>
internal sealed record MigrationScript(
    MigrationVersion Version,
    string Description,
    string FileName,
    string Path,
    string Text,
    string Checksum,
    bool NoTransaction)
{
    /// <summary>An empty or comment-only up file of another tool's convention: recorded, nothing runs.</summary>
    public bool Placeholder { get; init; }

    /// <summary>The paired <c>.down.sql</c> file, if the folder has one. Listed, never run by Apply.</summary>
    public string? DownFile { get; init; }

    /// <summary>A dbmate file: its checksum covers the <c>-- migrate:down</c> section too.</summary>
    public bool HasDownSection { get; init; }

    /// <summary>"1.2.0 - Multi-user tenant support", or just the version when the name has no description.</summary>
    public string Title => Description.Length == 0 ? Version.Text : $"{Version.Text} - {Description}";
}
