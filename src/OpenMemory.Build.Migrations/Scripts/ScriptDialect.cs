using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Scripts;

/// <summary>
/// What one provider's scripts (preview and deploy) write around and inside each migration. Each part is the SQL
/// that Apply runs at the same point, so a script run by the database's own client does what Apply does.
/// </summary>
internal abstract class ScriptDialect
{
    public abstract string Begin { get; }

    /// <summary>
    /// The deploy script's files, the script itself first: what the target database lacks, applied by its own
    /// client. Paths are relative to the output folder.
    /// </summary>
    public abstract IReadOnlyList<(string Path, string Text)> DeployScript(
        Providers.DatabaseProvider provider, string module, IReadOnlyList<(Providers.PreparedMigration Migration, History.HistoryEntry Entry)> migrations, Deploy.DeployBaseline baseline);

    public string Commit => "COMMIT;";

    /// <summary>Creates what a run writes into (schema, history table) when missing.</summary>
    public abstract IEnumerable<string> Preamble { get; }

    /// <summary>The run lock Apply holds for the whole run, where SQL can take it.</summary>
    public virtual IEnumerable<string> LockRun(string module) => [];

    public virtual IEnumerable<string> UnlockRun(string module) => [];

    /// <summary>After the last migration, what Apply does at the end of a run (grants to the application role).</summary>
    public virtual IEnumerable<string> Finish => [];

    /// <summary>Before the migration's transaction starts (settings that cannot change inside one).</summary>
    public virtual IEnumerable<string> BeforeTransaction => [];

    /// <summary>First thing inside the migration's transaction (or before its statements, without one).</summary>
    public virtual IEnumerable<string> Setup => [];

    /// <summary>After the migration's statements, before its history row.</summary>
    public virtual IEnumerable<string> BeforeRecord => [];

    /// <summary>
    /// One statement of the migration as the script runs it. <paramref name="scratchFile"/> is a file the client may
    /// write and read back, for decisions that depend on what the statements before it did.
    /// </summary>
    public virtual string Statement(SqlStatement statement, string scratchFile) =>
        statement.CopyRowsText is { } rows
            ? string.Concat(statement.Text, ";\n", rows.Span, @"\.")
            : SqlLiteral.Terminated(statement.Text);
}
