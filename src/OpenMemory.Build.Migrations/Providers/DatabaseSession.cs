using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Providers;

internal enum ApplyOutcome
{
    Applied,

    /// <summary>Another run applied it between our read of the history and our lock.</summary>
    AlreadyApplied,
}

/// <summary>A running statement, as a heartbeat reports it.</summary>
internal sealed record StatementActivity(int? StatementIndex, string? StatementText, string? Waiting);

/// <summary>One open connection to the target database for the length of a run.</summary>
internal abstract class DatabaseSession : IAsyncDisposable
{
    /// <summary>Called after each statement of a migration with its index and time taken, when someone listens.</summary>
    public Action<int, TimeSpan>? StatementCompleted { get; set; }

    /// <summary>The module's history rows, or null when the history table does not exist yet.</summary>
    public abstract Task<IReadOnlyList<AppliedMigration>?> ReadHistoryAsync(string module, CancellationToken cancellationToken);

    /// <summary>
    /// The versions listed in a legacy history table such as OpenMemory's own <c>schema_version(version, applied_at)</c>,
    /// or null when there is no such table.
    /// </summary>
    public abstract Task<IReadOnlyList<string>?> ReadLegacyVersionsAsync(string table, CancellationToken cancellationToken);

    /// <summary>The rows of Flyway's flyway_schema_history in the target schema, or null when there is no such table.</summary>
    public abstract Task<IReadOnlyList<FlywayRow>?> ReadFlywayHistoryAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Before the first write of a run: extends another tool's history table (pgdbm's) with our columns; true when
    /// it did. Not done earlier, so a run that stops on an error leaves the database exactly as it was.
    /// </summary>
    public virtual Task<bool> AdoptHistoryAsync(CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>The first column of every row of a query (fan-out's targets query), as text.</summary>
    public abstract Task<IReadOnlyList<string>> QueryColumnAsync(string sql, CancellationToken cancellationToken);

    /// <summary>
    /// Notes whether what Apply writes into (schema, history table) is missing: the first migration creates it in its
    /// own transaction, or <see cref="CreateHistoryAsync"/> before anything else writes to it. True when the history
    /// table is missing: the run holds its lock, so no row of its module can be in it when it is made.
    /// </summary>
    public abstract Task<bool> PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Creates now what <see cref="PrepareAsync"/> left to the first migration (an apply run with nothing to apply).</summary>
    public virtual Task CreateHistoryAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes the run-level lock for the module; disposing the result releases it.</summary>
    public abstract Task<IAsyncDisposable> LockAsync(string module, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Runs the migration and writes its history row atomically (or, without a transaction, the row after the last statement).</summary>
    public abstract Task<ApplyOutcome> ApplyAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken);

    /// <summary>Writes history rows without running anything (baselines), in one transaction.</summary>
    public abstract Task RecordAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken);

    /// <summary>After a successful apply: rights for the application role, where the provider has roles; returns the role.</summary>
    public virtual Task<string?> GrantAppRoleAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// What the migration running now is doing, asked from another thread while it runs: the statement (by index,
    /// or by the text the server reports) and, where the database can tell, what it waits for.
    /// </summary>
    public virtual Task<StatementActivity?> ActivityAsync(CancellationToken cancellationToken) => Task.FromResult<StatementActivity?>(null);

    /// <summary>The objects of the schema the run migrates (Drift), leaving out the named tables (history tables).</summary>
    public abstract Task<IReadOnlyList<Drift.SchemaObject>> ReadSchemaAsync(IReadOnlySet<string> excludedTables, bool includeExtensions, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
