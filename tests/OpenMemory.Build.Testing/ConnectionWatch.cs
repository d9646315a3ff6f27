using System.Diagnostics;
using Npgsql;

namespace OpenMemory.Build.Testing;

/// <summary>
/// Samples a database's client connections (other than its own) while a run goes on, for their peak, and this
/// process's working set with them. Stops on dispose.
/// </summary>
public sealed class ConnectionWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConnectionWatch(PostgresServer server, string database)
    {
        PeakWorkingSet = Process.GetCurrentProcess().WorkingSet64;
        _loop = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString(database) + ";Pooling=false");
            await connection.OpenAsync();
            while (!_stop.IsCancellationRequested)
            {
                await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'", connection);
                Peak = Math.Max(Peak, (int)(long)(await command.ExecuteScalarAsync())!);
                PeakWorkingSet = Math.Max(PeakWorkingSet, Process.GetCurrentProcess().WorkingSet64);
                await Task.Delay(5);
            }
        });
    }

    /// <summary>The most client connections seen at once.</summary>
    public int Peak { get; private set; }

    public long PeakWorkingSet { get; private set; }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
