using Npgsql;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>A long migration prints a line every interval: the migration, the statement's line, the time, and on PostgreSQL the lock it waits on.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HeartbeatTests(PostgresFixture fixture) : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    [Fact]
    public void A_long_postgres_statement_is_reported_with_its_line()
    {
        var database = new PostgresTestDatabase(_server, _server.CreateDatabase(), "app");
        _workspace.Add("001_backfill.sql", "CREATE TABLE items (id int);\n\n-- the slow part\nSELECT pg_sleep(2.5);\n");

        var result = _workspace.Run(WithHeartbeat(database.Options()));

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains(_workspace.Log.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[MIGRATE\] Migration 001 still running after [1-9]\d* s, statement on line 4 of 001_backfill\.sql"));
    }

    [Fact]
    public async Task A_statement_waiting_for_a_lock_says_which_lock_and_who_holds_it()
    {
        var database = new PostgresTestDatabase(_server, _server.CreateDatabase(), "app");
        _workspace.Add("001_items.sql", "CREATE TABLE items (id int);");
        Assert.True(_workspace.Run(database.Options()).Succeeded, _workspace.Log.Text);
        _workspace.Add("002_add.sql", "ALTER TABLE items ADD COLUMN name text;");
        await using var holder = new NpgsqlConnection(_server.ConnectionString(database.Database));
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("LOCK TABLE app.items IN ACCESS SHARE MODE", holder, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        var run = Task.Run(() => _workspace.Run(WithHeartbeat(database.Options())));
        // The lock is held until the heartbeat has named it (or for 30 s): a machine busy with other tests may take
        // more than one interval to open the observing connection.
        bool Named(string line) => line.Contains("Migration 002 still running after", StringComparison.Ordinal)
            && line.Contains("statement on line 1 of 002_add.sql; it waits for AccessExclusiveLock on app.items, held by server process " + holder.ProcessID, StringComparison.Ordinal);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!_workspace.Log.Lines.Any(Named) && waited.Elapsed < TimeSpan.FromSeconds(30) && !run.IsCompleted)
        {
            await Task.Delay(100);
        }

        await transaction.RollbackAsync();
        var result = await run;

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains(_workspace.Log.Lines, Named);
    }

    [Fact]
    public void A_long_sqlite_statement_is_reported_with_its_line()
    {
        var database = new SqliteTestDatabase(_workspace.DatabasePath);
        _workspace.Add("001_big.sql", "CREATE TABLE big (id INTEGER, pad TEXT);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000000)\nINSERT INTO big SELECT i, 'padding padding' FROM n;\n");

        var result = _workspace.Run(WithHeartbeat(database.Options()));

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains(_workspace.Log.Lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[MIGRATE\] Migration 001 still running after [1-9]\d* s, statement on line 2 of 001_big\.sql"));
    }

    private static MigrationOptions WithHeartbeat(MigrationOptions options) => new()
    {
        Module = options.Module,
        Provider = options.Provider,
        ConnectionString = options.ConnectionString,
        Schema = options.Schema,
        HeartbeatInterval = TimeSpan.FromSeconds(1),
    };

    public void Dispose() => _workspace.Dispose();
}
