using Microsoft.Data.Sqlite;
using Npgsql;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>The engine as a library: caller-owned pools and connections, embedded migrations.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LibraryApiTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;
    private static readonly string EmbeddedFolder = Path.Combine(AppContext.BaseDirectory, "EmbeddedMigrations");

    [Fact]
    public void Embedded_migrations_have_the_same_names_and_checksums_as_their_files()
    {
        var embedded = MigrationLockingView(new EmbeddedResourceMigrationSource(typeof(LibraryApiTests).Assembly));
        var files = MigrationLockingView(FileSystemMigrationSource.FromDirectory(EmbeddedFolder));
        Assert.Equal(2, embedded.Count);
        Assert.Equal(files, embedded);
    }

    [Fact]
    public async Task A_database_migrated_from_files_is_up_to_date_for_the_same_migrations_embedded_and_the_reverse()
    {
        var options = new MigrationOptions { Module = "lib", Provider = "sqlite", ConnectionString = $"Data Source={_workspace.DatabasePath}" };
        Assert.True((await new Migrator().MigrateAsync(EmbeddedFolder, options)).Succeeded);
        var verify = await new Migrator().MigrateAsync(new EmbeddedResourceMigrationSource(typeof(LibraryApiTests).Assembly),
            new MigrationOptions { Module = "lib", Provider = "sqlite", ConnectionString = options.ConnectionString, Mode = MigrationMode.Verify, FailOnPending = true });
        Assert.True(verify.Succeeded, string.Join('\n', verify.Diagnostics));
        Assert.Equal(2, verify.Skipped.Count);
    }

    [Fact]
    public async Task A_shared_data_source_stays_usable_and_a_callers_open_connection_is_left_as_it_was()
    {
        var database = _server.CreateDatabase();
        _workspace.Add("1_items.sql", "CREATE TABLE {{tables.items}} (id int);");
        await using var pool = NpgsqlDataSource.Create(_server.ConnectionString(database) + ";Pooling=true");

        var pooled = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions { Module = "shared", Provider = "postgres", DataSource = pool, Schema = "pool_schema" });
        Assert.True(pooled.Succeeded, string.Join('\n', pooled.Diagnostics));
        Assert.Single(pooled.Applied);
        await using (var command = pool.CreateCommand("INSERT INTO pool_schema.items VALUES (1)"))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using var connection = await pool.OpenConnectionAsync();
        await using (var set = new NpgsqlCommand("SET search_path TO pg_catalog, public", connection))
        {
            await set.ExecuteNonQueryAsync();
        }

        var before = await SessionStateAsync(connection);
        _workspace.Add("2_more.sql", "CREATE TABLE {{tables.more}} (id int);");
        var borrowed = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions { Module = "shared", Provider = "postgres", Connection = connection, Schema = "pool_schema" });

        Assert.True(borrowed.Succeeded, string.Join('\n', borrowed.Diagnostics));
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Equal(before, await SessionStateAsync(connection));
        await using var transaction = await connection.BeginTransactionAsync();
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task A_failed_migration_on_a_callers_connection_leaves_it_outside_any_transaction_and_without_the_run_lock()
    {
        var database = _server.CreateDatabase();
        // With IncludeFailedBatchedCommand the engine sends each migration as one batch, BEGIN to COMMIT.
        await using var connection = new NpgsqlConnection(_server.ConnectionString(database) + ";Include Failed Batched Command=true");
        await connection.OpenAsync();
        var before = await SessionStateAsync(connection);
        _workspace.Add("1_items.sql", "CREATE TABLE {{tables.items}} (id int);\nINSERT INTO {{tables.items}} VALUES (1);");
        _workspace.Add("2_broken.sql", "INSERT INTO {{tables.items}} VALUES (2);\nINSERT INTO {{tables.items}} VALUES ('not a number');");

        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions { Module = "shared", Provider = "postgres", Connection = connection, Schema = "caller_schema" });

        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal(("OMB4001", 2), (error.Code, error.Line));
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Equal(before, await SessionStateAsync(connection));
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM caller_schema.items", connection))
        {
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }

        // Outside any transaction: a transaction of the caller's own starts and ends normally.
        await using var transaction = await connection.BeginTransactionAsync();
        await transaction.CommitAsync();
    }

    [Fact]
    public async Task A_callers_sqlite_connection_is_left_open_with_its_settings()
    {
        _workspace.Add("1_items.sql", "CREATE TABLE {{tables.items}} (id INTEGER);");
        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        await using var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath}");
        await connection.OpenAsync();
        Pragma(connection, "busy_timeout = 1234");

        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions { Module = "lib", Provider = "sqlite", Connection = connection });

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Equal(1234L, Pragma(connection, "busy_timeout"));
        Assert.Equal(0L, Pragma(connection, "query_only"));
        Assert.Equal(0L, Pragma(connection, "count(*) FROM items"));
    }

    private static async Task<string> SessionStateAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('search_path') || '|' || current_setting('client_connection_check_interval') || '|' || current_setting('transaction_read_only') || '|' || " +
            "(SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory')", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static long Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma.StartsWith("count", StringComparison.Ordinal) ? "SELECT " + pragma : "PRAGMA " + pragma;
        return command.ExecuteScalar() is long value ? value : -1;
    }

    private static List<string> MigrationLockingView(IMigrationSource source) =>
        [.. Locking.MigrationLockFile.Compute(source).Select(e => $"{e.File} {e.Sha256}")];

    public void Dispose() => _workspace.Dispose();
}
