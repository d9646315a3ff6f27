using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// What a run reads from the database before it changes anything: its session and run lock, Flyway's history and the
/// module's history. Nothing in it depends on the files: where reading it changes nothing, it is read while they are read.
/// </summary>
internal sealed class DatabaseState : IAsyncDisposable
{
    private IAsyncDisposable? _runLock;

    private DatabaseState(DatabaseSession? session) => Session = session;

    /// <summary>Null when a read-only run finds no database.</summary>
    public DatabaseSession? Session { get; }

    public IReadOnlyList<FlywayRow>? Flyway { get; private set; }

    /// <summary>An apply run whose history table does not exist yet: its first migration makes it.</summary>
    public bool NewHistory { get; private set; }

    /// <summary>The module's history rows; null without a session or history table.</summary>
    public IReadOnlyList<AppliedMigration>? History { get; private set; }

    /// <summary>Starts reading now when that changes nothing (<see cref="DatabaseProvider.OpensWithoutChanges"/>); else null.</summary>
    public static Task<DatabaseState>? ReadEarly(DatabaseProvider provider, MigrationOptions options, CancellationToken cancellationToken) =>
        provider.OpensWithoutChanges(ReadOnly(options)) ? ReadAsync(provider, options, cancellationToken) : null;

    public static async Task<DatabaseState> ReadAsync(DatabaseProvider provider, MigrationOptions options, CancellationToken cancellationToken)
    {
        var apply = options.Mode == MigrationMode.Apply;
        var state = new DatabaseState(await provider.OpenAsync(ReadOnly(options), cancellationToken));
        if (state.Session is not { } session)
        {
            return state;
        }

        try
        {
            state._runLock = await session.LockAsync(options.Module, options.LockTimeout, cancellationToken);
            // Read before anything is created, so that a Flyway history with a failed row leaves the database as it was.
            state.Flyway = await session.ReadFlywayHistoryAsync(cancellationToken);
            if (state.Flyway is not null && FlywayHistory.FirstFailure(state.Flyway) is { } failed)
            {
                throw new MigrationException(Errors.FlywayFailedMigration(FlywayHistory.TableName, failed.Version, failed.Script));
            }

            state.NewHistory = apply && await session.PrepareAsync(cancellationToken);
            state.History = state.NewHistory ? [] : await session.ReadHistoryAsync(options.Module, cancellationToken);
            return state;
        }
        catch
        {
            await state.DisposeAsync();
            throw;
        }
    }

    private static bool ReadOnly(MigrationOptions options) => options.Mode is not (MigrationMode.Apply or MigrationMode.Rollback);

    /// <summary>Waits for a state the run will not use (its files have errors) and releases it, however its reading ended.</summary>
    public static async Task DiscardAsync(Task<DatabaseState>? reading)
    {
        if (reading is null)
        {
            return;
        }

        try
        {
            await (await reading).DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // What the database would have said does not matter next to the files' own errors.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_runLock is not null)
        {
            await _runLock.DisposeAsync();
        }

        if (Session is not null)
        {
            await Session.DisposeAsync();
        }
    }
}
