namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>One migration ready to plan: the file chosen for the active provider, its text and checksum.</summary>
internal sealed record MigrationScript(
    MigrationVersion Version,
    string Description,
    string FileName,
    string Path,
    string Text,
    string Checksum,
    bool NoTransaction)
{
    /// <summary>"1.2.0 - Multi-user tenant support", or just the version when the name has no description.</summary>
    public string Title => Description.Length == 0 ? Version.Text : $"{Version.Text} - {Description}";
}
