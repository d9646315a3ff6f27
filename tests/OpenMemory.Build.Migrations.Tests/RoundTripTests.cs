using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

[Collection(PostgresCollection.Name)]
public sealed class RoundTripTests(PostgresFixture fixture)
{
    private readonly PostgresServer _server = fixture.Server;

    [Fact]
    public async Task A_no_op_run_costs_the_same_number_of_server_transactions_whatever_the_number_of_migrations()
    {
        var small = await NoOpTransactionsAsync(10);
        var large = await NoOpTransactionsAsync(200);
        Assert.Equal(small, large);
        Assert.InRange(small, 1, 12);
    }

    /// <summary>Transactions the server counted for one no-op run: each statement outside a transaction is one.</summary>
    private async Task<long> NoOpTransactionsAsync(int migrations)
    {
        using var workspace = new MigrationWorkspace();
        for (var i = 1; i <= migrations; i++)
        {
            workspace.Add($"{i:000}_t.sql", $"CREATE TABLE {{{{tables.t{i}}}}} (id int);");
        }

        var database = _server.CreateDatabase();
        var options = new MigrationOptions { Module = "rt", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = "rt" };
        Assert.True((await new Migrator().MigrateAsync(workspace.MigrationsFolder, options)).Succeeded);

        var before = Committed(database);
        Assert.Equal(0, (await new Migrator().MigrateAsync(workspace.MigrationsFolder, options)).AppliedNowCount);
        return Committed(database) - before;
    }

    // A server process adds its last counts to pg_stat_database as it exits, after the client has closed the
    // connection, and leaves pg_stat_activity only after that: wait until the engine's are gone. The counts are read
    // from another database, so that reading them adds nothing to them.
    private long Committed(string database)
    {
        for (var waited = 0; waited < 200 && (long)_server.Scalar($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'")! > 0; waited++)
        {
            Thread.Sleep(50);
        }

        return (long)_server.Scalar($"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{database}'")!;
    }
}
