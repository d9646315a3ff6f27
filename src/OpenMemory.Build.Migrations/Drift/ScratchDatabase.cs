using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OpenMemory.Build.Migrations.Connection;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Drift;

/// <summary>
/// Where Drift builds the expected schema, removed on every path. On SQLite an in-memory database. On PostgreSQL a
/// temporary database, or a temporary schema of the target database when the role cannot create databases; either
/// is named <c>omb_drift_PID_*</c> after the server process of the connection that keeps it, so a later run removes
/// what a killed run left behind (its process is gone from pg_stat_activity, which spans the cluster) and never one
/// still in use.
/// </summary>
internal abstract class ScratchDatabase : IAsyncDisposable
{
    public const string Prefix = "omb_drift_";


    /// <summary>Options for the scratch run: where it applies.</summary>
    public abstract MigrationOptions Options { get; }

    /// <summary>The scratch's schema name where it differs from the target's (a temporary schema), else null.</summary>
    public virtual string? RenamedSchema => null;

    public virtual bool SameDatabase => false;

    public abstract ValueTask DisposeAsync();

    public static async Task<ScratchDatabase> CreateAsync(MigrationOptions options, string provider, CancellationToken cancellationToken) =>
        provider == Discovery.ProviderTags.Postgres
            ? await PostgresScratch.CreateAsync(options, cancellationToken)
            : SqliteScratch.Create(options);

    private sealed class SqliteScratch(SqliteConnection connection, MigrationOptions options) : ScratchDatabase
    {
        public override MigrationOptions Options { get; } = options.ForScratch(null, connection, null, null);

        public static SqliteScratch Create(MigrationOptions options)
        {
            var connection = new SqliteConnection("Data Source=:memory:");
            connection.Open();
            return new SqliteScratch(connection, options);
        }

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class PostgresScratch(NpgsqlConnection keeper, string name, bool isSchema, MigrationOptions options) : ScratchDatabase
    {
        public override MigrationOptions Options => options;

        public override string? RenamedSchema => isSchema ? name : null;

        public override bool SameDatabase => isSchema;

        public static async Task<PostgresScratch> CreateAsync(MigrationOptions options, CancellationToken cancellationToken)
        {
            var connectionString = options.ConnectionString is { Length: > 0 } text ? PostgresConnectionString.Parse(text) : null;
            var keeper = await OpenKeeperAsync(options, connectionString, cancellationToken);
            try
            {
                await RemoveLeftoversAsync(keeper, cancellationToken);
                var name = $"{Prefix}{keeper.ProcessID}_{Guid.NewGuid().ToString("N")[..16]}";
                var schema = string.IsNullOrWhiteSpace(options.Schema) ? "public" : options.Schema.Trim();
                if (connectionString is not null && await TryCreateDatabaseAsync(keeper, name, cancellationToken))
                {
                    var scratch = new NpgsqlConnectionStringBuilder(connectionString.ConnectionString) { Database = name, Pooling = false };
                    return new PostgresScratch(keeper, name, false, options.ForScratch(scratch.ConnectionString, null, null, schema));
                }

                try
                {
                    await ExecuteAsync(keeper, $"CREATE SCHEMA {SqlLiteral.Identifier(name)}", cancellationToken);
                }
                catch (PostgresException e)
                {
                    throw new MigrationException(Errors.DriftScratchUnavailable($"{e.MessageText} (SQLSTATE {e.SqlState})"));
                }

                return new PostgresScratch(keeper, name, true, options.ForScratch(options.ConnectionString, options.Connection, options.DataSource, name));
            }
            catch
            {
                await keeper.DisposeAsync();
                throw;
            }
        }

        // A keeper connection of its own, even when the caller gave a connection: the scratch's lock lives on it.
        private static async Task<NpgsqlConnection> OpenKeeperAsync(MigrationOptions options, NpgsqlConnectionStringBuilder? connectionString, CancellationToken cancellationToken)
        {
            if (options.DataSource is { } source)
            {
                return await source.OpenConnectionAsync(cancellationToken);
            }

            var text = connectionString?.ConnectionString ?? (options.Connection as NpgsqlConnection)?.ConnectionString
                ?? throw new MigrationException(Errors.MissingConnectionString("postgres"));
            var keeper = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(text) { Pooling = false }.ConnectionString);
            await keeper.OpenAsync(cancellationToken);
            return keeper;
        }

        private static async Task<bool> TryCreateDatabaseAsync(NpgsqlConnection keeper, string name, CancellationToken cancellationToken)
        {
            try
            {
                await ExecuteAsync(keeper, $"CREATE DATABASE {SqlLiteral.Identifier(name)}", cancellationToken);
                return true;
            }
            catch (PostgresException e) when (e.SqlState == "42501")
            {
                return false; // No CREATEDB: a temporary schema instead.
            }
        }

        // A scratch whose lock nobody holds belongs to a run that died: removed.
        private static async Task RemoveLeftoversAsync(NpgsqlConnection keeper, CancellationToken cancellationToken)
        {
            var leftovers = new List<(string Name, bool IsSchema)>();
            await using (var command = new NpgsqlCommand($"""
                SELECT datname, false FROM pg_database WHERE datname LIKE '{Prefix.Replace("_", "\\_")}%'
                UNION ALL
                SELECT nspname, true FROM pg_namespace WHERE nspname LIKE '{Prefix.Replace("_", "\\_")}%'
                """, keeper))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    leftovers.Add((reader.GetString(0), reader.GetBoolean(1)));
                }
            }

            foreach (var (name, isSchema) in leftovers)
            {
                if (!int.TryParse(name[Prefix.Length..].Split('_')[0], out var owner))
                {
                    continue;
                }

                await using var alive = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = {owner})", keeper);
                if (await alive.ExecuteScalarAsync(cancellationToken) is true)
                {
                    continue; // Its run is still going.
                }

                try
                {
                    await DropAsync(keeper, name, isSchema, cancellationToken);
                }
                catch (PostgresException)
                {
                    // Not ours to drop (another owner's, or no right): left alone.
                }
            }
        }

        private static Task DropAsync(NpgsqlConnection keeper, string name, bool isSchema, CancellationToken cancellationToken) =>
            ExecuteAsync(keeper, isSchema
                ? $"DROP SCHEMA IF EXISTS {SqlLiteral.Identifier(name)} CASCADE"
                : $"DROP DATABASE IF EXISTS {SqlLiteral.Identifier(name)} WITH (FORCE)", cancellationToken);

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await DropAsync(keeper, name, isSchema, CancellationToken.None);
            }
            finally
            {
                await keeper.DisposeAsync();
            }
        }

        private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
