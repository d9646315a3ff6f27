using System.Data;
using Npgsql;
using OpenMemory.Build.Migrations.Connection;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Runner;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Migrations.Templating;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

/// <summary>
/// PostgreSQL: tables and history in one dedicated schema; a session-level advisory lock per (schema, module)
/// held for the whole run; every statement of a migration and its history row sent as one batch in one transaction.
/// </summary>
internal sealed class PostgresProvider : DatabaseProvider
{
    private const int DefaultConnectTimeout = 15;
    private const int DefaultCommandTimeout = 30;
    private readonly MigrationOptions _options;
    private readonly NpgsqlConnectionStringBuilder? _connection;
    private Task<(NpgsqlConnection Connection, Func<ValueTask> Release)>? _earlyConnection;

    private PostgresProvider(MigrationOptions options, NpgsqlConnectionStringBuilder? connection, string schema, IReadOnlyDictionary<string, string> tableMap)
    {
        _options = options;
        _connection = connection;
        Schema = schema;
        AppRole = string.IsNullOrWhiteSpace(options.AppRole) ? null : Identifiers.Require(options.AppRole.Trim(), "application role");
        PostgresHistory = new PostgresHistoryTable(schema);
        var quotedSchema = SqlLiteral.Identifier(schema);
        Scope = new TemplateScope(
            name => $"{quotedSchema}.{SqlLiteral.Identifier(tableMap.TryGetValue(name, out var mapped) ? mapped : name)}",
            quotedSchema);
    }

    public string Schema { get; }

    public string? AppRole { get; }

    public override string Name => "postgres";

    public override SqlDialect Dialect => SqlDialect.Postgres;

    public override TemplateScope Scope { get; }

    public PostgresHistoryTable PostgresHistory { get; }

    public override HistoryTable History => PostgresHistory;


    public override string Target
    {
        get
        {
            var (host, port, database) = _connection is not null
                ? (_connection.Host, _connection.Port, _connection.Database)
                : _options.Connection is NpgsqlConnection c
                    ? (c.Host, c.Port, c.Database)
                    : _options.DataSource is { } source ? Describe(source) : (null, 0, null);
            return $"PostgreSQL database '{database ?? "(default)"}' on {host ?? "localhost"}:{port} (schema \"{Schema}\")";
        }
    }

    /// <summary>Creates the provider; <paramref name="offline"/> for work that needs no connection (deploy scripts).</summary>
    public static PostgresProvider Create(MigrationOptions options, IReadOnlyDictionary<string, string> tableMap, bool offline = false)
    {
        NpgsqlConnectionStringBuilder? connection = null;
        if (offline && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            // Nothing to connect to: only templating and SQL generation are used.
        }
        else if (options.DataSource is null && options.Connection is null)
        {
            connection = RunConnectionString(options);
        }
        else if (options.Connection is not null and not NpgsqlConnection)
        {
            throw new MigrationException(Errors.MalformedConnectionString("the connection given is not an NpgsqlConnection"));
        }

        var schema = Identifiers.Require(string.IsNullOrWhiteSpace(options.Schema) ? "public" : options.Schema.Trim(), "schema");
        if (schema == "public" && !options.AllowPublicSchema)
        {
            throw new MigrationException(Errors.PublicSchemaRefused());
        }

        return new PostgresProvider(options, connection, schema, tableMap);
    }

    /// <summary>The configured connection string as the engine connects with it, on a connection of its own.</summary>
    internal static NpgsqlConnectionStringBuilder RunConnectionString(MigrationOptions options)
    {
        var connection = options.ConnectionString is { Length: > 0 } text
            ? PostgresConnectionString.Parse(text)
            : throw new MigrationException(Errors.MissingConnectionString("postgres"));
        // Npgsql's defaults (15 s to connect, 30 s per command) are replaced unless the connection sets them:
        // migrations may run long, and an unreachable host must fail within the configured time.
        if (connection.Timeout == DefaultConnectTimeout)
        {
            connection.Timeout = options.ConnectTimeoutSeconds;
        }

        if (connection.CommandTimeout == DefaultCommandTimeout)
        {
            connection.CommandTimeout = 0;
        }

        // Lets a failed batch name its failing statement, which locates the error in the file.
        connection.IncludeFailedBatchedCommand = true;

        // A run needs one connection; a pooled idle one would outlive the run inside a reused MSBuild node. A
        // fan-out's targets share a pool of its own instead (PostgresTargetPool), disposed with the fan-out.
        connection.Pooling = false;
        return connection;
    }

    // Opening creates the database only when it is missing and CreateDatabase is set.
    public override bool OpensWithoutChanges(bool readOnly) => readOnly || !_options.CreateDatabase;

    public override async Task<DatabaseSession?> OpenAsync(bool readOnly, CancellationToken cancellationToken)
    {
        var (connection, release) = await ConnectAsync(readOnly, cancellationToken);
        if (connection is null)
        {
            return null;
        }

        var owned = _options.Connection is null && _options.DataSource is null;
        var setup = PostgresSessionState.ResetFor(Schema).ToList();
        if (owned && connection.PostgreSqlVersion.Major >= 14)
        {
            setup.Add(ConnectionCheckInterval);
        }

        var restore = owned || readOnly ? null : await PostgresSessionState.CaptureAsync(connection, cancellationToken);
        return new PostgresSession(this, connection, release, readOnly, setup, restore);
    }

    // If this process dies mid-migration, the server notices within a second and rolls the migration back, releasing
    // the advisory lock, instead of running on until the statement ends.
    private const string ConnectionCheckInterval = "SET client_connection_check_interval = 1000";

    internal override Scripts.ScriptDialect Script => new PostgresScriptDialect(Schema, PostgresHistory, AppRole);

    public override bool TryMapException(Exception exception, out MigrationDiagnostic diagnostic)
    {
        diagnostic = PostgresErrors.Map(exception, Target, _connection?.Username ?? "(current user)", _connection?.Timeout ?? _options.ConnectTimeoutSeconds)!;
        return diagnostic is not null;
    }

    public override void BeginConnect(CancellationToken cancellationToken)
    {
        if (_connection is not null && _earlyConnection is null)
        {
            // On the thread pool: building the data source and the TLS/SCRAM handshake are CPU work of their own.
            _earlyConnection = Task.Run(() => OpenRunConnectionAsync(cancellationToken), cancellationToken);
        }
    }

    public override async ValueTask DropEarlyConnectionAsync()
    {
        if (Interlocked.Exchange(ref _earlyConnection, null) is not { } early)
        {
            return;
        }

        try
        {
            var (_, release) = await early;
            await release();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The run stopped before it needed the database; a connection it never used has nothing to report.
        }
    }

    /// <summary>An open connection; null (read-only) when the database does not exist.</summary>
    private async Task<(NpgsqlConnection? Connection, Func<ValueTask> Release)> ConnectAsync(bool readOnly, CancellationToken cancellationToken)
    {
        if (_options.Connection is NpgsqlConnection given)
        {
            if (given.State == ConnectionState.Open)
            {
                return (given, () => ValueTask.CompletedTask);
            }

            await given.OpenAsync(cancellationToken);
            return (given, async () => await given.CloseAsync());
        }

        if (_options.DataSource is { } dataSource)
        {
            // A connection of the caller's pool: disposing it returns it to the pool, the data source stays the caller's.
            var pooled = await dataSource.OpenConnectionAsync(cancellationToken);
            return (pooled, pooled.DisposeAsync);
        }

        try
        {
            return await (Interlocked.Exchange(ref _earlyConnection, null) ?? OpenRunConnectionAsync(cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.InvalidCatalogName)
        {
            if (readOnly)
            {
                return (null, () => ValueTask.CompletedTask);
            }

            if (!_options.CreateDatabase)
            {
                throw new MigrationException(Errors.DatabaseMissing(_connection!.Database ?? "", Target));
            }

            await CreateDatabaseAsync(cancellationToken);
            return await OpenRunConnectionAsync(cancellationToken);
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var database = _connection!.Database!;
        var maintenance = new NpgsqlConnectionStringBuilder(_connection.ConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            var (connection, release) = await OpenOwnAsync(maintenance.ConnectionString, cancellationToken);
            try
            {
                await using var command = new NpgsqlCommand($"CREATE DATABASE {SqlLiteral.Identifier(database)}", connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await release();
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrors.DuplicateDatabase)
        {
            // Another run created it first.
        }
        catch (PostgresException e)
        {
            throw new MigrationException(Errors.CannotCreateDatabase(database, $"{e.MessageText} (SQLSTATE {e.SqlState})"));
        }
    }

    /// <summary>The run's connection: one of the fan-out's pool when there is one, else one of its own.</summary>
    private Task<(NpgsqlConnection Connection, Func<ValueTask> Release)> OpenRunConnectionAsync(CancellationToken cancellationToken) =>
        _options.TargetPool is { } pool ? OpenPooledAsync(pool, cancellationToken) : OpenOwnAsync(_connection!.ConnectionString, cancellationToken);

    /// <summary>
    /// A data source that skips loading the server's type catalog: the engine reads only built-in types (text,
    /// integers, booleans, timestamps), and loading pg_type on connect was the largest single cost of a run with
    /// nothing to do. Its own connections and the fan-out's pool both come from one.
    /// </summary>
    internal static NpgsqlDataSource DataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        return builder.Build();
    }

    /// <summary>A connection of the engine's own, from a data source that skips loading the server's type catalog.</summary>
    private static async Task<(NpgsqlConnection Connection, Func<ValueTask> Release)> OpenOwnAsync(string connectionString, CancellationToken cancellationToken)
    {
        var source = DataSource(connectionString);
        try
        {
            var connection = await source.OpenConnectionAsync(cancellationToken);
            await CheckConnectionAsync(connection, cancellationToken);
            return (connection, async () =>
            {
                await connection.DisposeAsync();
                await source.DisposeAsync();
            });
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A connection of the fan-out's pool. Released, it is reset at once (DISCARD ALL), as closing it would: a
    /// session-level lock or a temporary table a migration left must not wait in the pool for the next target.
    /// </summary>
    private static async Task<(NpgsqlConnection Connection, Func<ValueTask> Release)> OpenPooledAsync(NpgsqlDataSource pool, CancellationToken cancellationToken)
    {
        var connection = await pool.OpenConnectionAsync(cancellationToken);
        try
        {
            await CheckConnectionAsync(connection, cancellationToken);
            return (connection, async () =>
            {
                try
                {
                    await using var reset = new NpgsqlCommand("DISCARD ALL", connection);
                    await reset.ExecuteNonQueryAsync();
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
                {
                    // Not reset (broken, or left in a transaction): no other target may get this session.
                    pool.Clear();
                }

                await connection.DisposeAsync();
            });
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task CheckConnectionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (connection.PostgreSqlVersion.Major >= 14)
        {
            await using var command = new NpgsqlCommand(ConnectionCheckInterval, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// What a server process is running and waiting for, asked on a short connection of its own (the session's own
    /// connection is busy with the statement). Null when the engine has no connection string of its own.
    /// </summary>
    public async Task<StatementActivity?> ObserveAsync(int processId, CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            return null;
        }

        var (observer, release) = await OpenOwnAsync(new NpgsqlConnectionStringBuilder(_connection.ConnectionString) { Timeout = 5 }.ConnectionString, cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("""
                SELECT a.query, l.mode, l.relation::regclass::text, l.locktype,
                       (SELECT string_agg(b::text, ', ') FROM unnest(pg_blocking_pids(a.pid)) AS b)
                FROM pg_stat_activity a
                LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
                WHERE a.pid = $1
                LIMIT 1
                """, observer);
            command.Parameters.AddWithValue(processId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            string? waiting = null;
            if (!reader.IsDBNull(1))
            {
                var what = reader.IsDBNull(2) ? reader.GetString(3) : reader.GetString(2);
                waiting = $"waits for {reader.GetString(1)} on {what}" + (reader.IsDBNull(4) ? "" : $", held by server process {reader.GetString(4)}");
            }

            return new StatementActivity(null, reader.IsDBNull(0) ? null : reader.GetString(0), waiting);
        }
        finally
        {
            await release();
        }
    }

    private static (string? Host, int Port, string? Database) Describe(NpgsqlDataSource source)
    {
        var builder = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        return (builder.Host, builder.Port, builder.Database);
    }
}
