using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>
/// The connections of a fan-out over schemas of the configured database. Each target's run used to open a
/// connection of its own: a new server process and a SCRAM handshake per target, about 8 ms and 4 ms of client CPU
/// each on this machine. The pool holds at most one connection per parallel target and is disposed with the fan-out,
/// so no idle connection outlives the run.
/// </summary>
internal static class PostgresTargetPool
{
    /// <summary>A pool when every target is a schema of the configured database and the engine opens the connections.</summary>
    public static NpgsqlDataSource? For(MigrationOptions options, IReadOnlyList<MigrationTarget> targets)
    {
        if (ProviderTags.Normalize(options.Provider) != ProviderTags.Postgres || options.DataSource is not null || options.Connection is not null
            || string.IsNullOrWhiteSpace(options.ConnectionString) || targets.Count < 2 || targets.Any(t => t.ConnectionString is not null))
        {
            return null;
        }

        NpgsqlConnectionStringBuilder connection;
        try
        {
            connection = PostgresProvider.RunConnectionString(options);
        }
        catch (MigrationException)
        {
            return null; // each target reports the bad connection string, as it would without the pool
        }

        connection.Pooling = true;
        connection.MinPoolSize = 0;
        connection.MaxPoolSize = Math.Max(1, options.MaxParallelism);
        connection.NoResetOnClose = true; // the run resets its connection when it hands it back (PostgresProvider)
        return PostgresProvider.DataSource(connection.ConnectionString);
    }
}
