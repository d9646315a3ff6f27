using System.Diagnostics;
using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>
/// The run lock: a session-level advisory lock per (schema, module), held for the whole run and released on every
/// exit path; the server drops it when the session ends.
/// </summary>
internal sealed class PostgresRunLock(NpgsqlConnection connection, long key) : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<IAsyncDisposable> AcquireAsync(NpgsqlConnection connection, string schema, string module, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Polling pg_try_advisory_lock, never blocking in pg_advisory_lock: a blocked waiter holds a snapshot that
        // CREATE INDEX CONCURRENTLY in the holder's run would wait for, a deadlock.
        var key = AdvisoryLockKey.For("run", schema, module);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            await using (var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({key})", connection))
            {
                if (await command.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return new PostgresRunLock(connection, key);
                }
            }

            if (stopwatch.Elapsed >= timeout)
            {
                throw new MigrationException(Errors.LockTimeout(
                    $"schema \"{schema}\", module '{module}'", timeout, await HolderAsync(connection, key, cancellationToken)));
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({key})", connection);
            await command.ExecuteScalarAsync();
        }
        catch (NpgsqlException)
        {
            // The session is broken; the server drops its locks when it ends.
        }
    }

    private static async Task<string?> HolderAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        var classId = (uint)(key >> 32);
        var objId = (uint)key;
        await using var command = new NpgsqlCommand(
            $"SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = {classId} AND objid = {objId} AND objsubid = 1 LIMIT 1",
            connection);
        return await command.ExecuteScalarAsync(cancellationToken) is int pid ? $"server process {pid}" : null;
    }
}
