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
    ScriptText Body,
    Task<string> Hashing,
    bool NoTransaction)
{
    public MigrationScript(MigrationVersion version, string description, string fileName, string path, string text, string checksum, bool noTransaction)
        : this(version, description, fileName, path, ScriptText.InMemory(text), Task.FromResult(checksum), noTransaction)
    {
    }

    /// <summary>The text that runs (read again from the file if the set let it go: <see cref="ScriptText"/>).</summary>
    public string Text => Body.Value;

    /// <summary>
    /// The checksum of the whole file. A large file's is computed on another core while the run takes its lock and
    /// reads the history, and the first to need it (the plan, comparing it with the history's) waits for it.
    /// </summary>
    public string Checksum => Hashing.GetAwaiter().GetResult();

    /// <summary>An empty or comment-only up file of another tool's convention: recorded, nothing runs.</summary>
    public bool Placeholder { get; init; }

    /// <summary>The paired <c>.down.sql</c> file, if the folder has one. Run only by a rollback.</summary>
    public MigrationSourceFile? DownFile { get; init; }

    /// <summary>The file the script was read from.</summary>
    public MigrationSourceFile? Source { get; init; }

    /// <summary>
    /// The rows of the script's <c>COPY ... FROM stdin</c> statements, in order, when they are held out of
    /// <see cref="Text"/> (<see cref="Sql.HeldOutCopyRows"/>); null when the text has them.
    /// </summary>
    public IReadOnlyList<Sql.CopyRows>? HeldOutRows { get; init; }

    /// <summary>Set for a repeatable migration (<c>R__name.sql</c>): it runs again whenever its checksum changes.</summary>
    public string? RepeatableName { get; init; }

    public bool IsRepeatable => RepeatableName is not null;

    /// <summary>The migration's version in the history table and in messages: "1.2.0", or "R__views" for a repeatable.</summary>
    public string Id => RepeatableName is null ? Version.Text : MigrationFileName.RepeatablePrefix + RepeatableName;

    /// <summary>A dbmate file: its checksum covers the <c>-- migrate:down</c> section too.</summary>
    public bool HasDownSection { get; init; }

    /// <summary>"1.2.0 - Multi-user tenant support", or just the version when the name has no description.</summary>
    public string Title => Description.Length == 0 ? Id : $"{Id} - {Description}";
}
