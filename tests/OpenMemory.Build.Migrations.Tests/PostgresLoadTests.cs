using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLoadTests(PostgresFixture fixture) : IDisposable
{
    private const int Schemas = 50;
    private const int MigrationsPerSchema = 200;
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    [Fact]
    public async Task Two_hundred_migrations_into_each_of_fifty_schemas_leave_no_connection_behind()
    {
        var database = _server.CreateDatabase();
        for (var i = 1; i <= MigrationsPerSchema; i++)
        {
            _workspace.Add($"{i:0000}_step.sql", i % 10 == 0
                ? $"ALTER TABLE {{{{tables.t{i - 9}}}}} ADD COLUMN IF NOT EXISTS extra text;\nCREATE INDEX t{i}_idx ON {{{{tables.t{i - 9}}}}} (extra);"
                : $"CREATE TABLE {{{{tables.t{i}}}}} (id bigint PRIMARY KEY, name text);\nINSERT INTO {{{{tables.t{i}}}}} VALUES ({i}, 'row {i}');");
        }

        for (var schema = 0; schema < Schemas; schema++)
        {
            var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions
            {
                Module = "load", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = $"tenant_{schema:00}",
            });
            Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
            Assert.Equal(MigrationsPerSchema, result.AppliedNowCount);
        }

        Assert.Equal((long)Schemas * MigrationsPerSchema,
            _server.Scalar(string.Join(" + ", Enumerable.Range(0, Schemas).Select(s => $"(SELECT count(*) FROM tenant_{s:00}.schema_migrations)")).Insert(0, "SELECT "), database));
        // A backend leaves pg_stat_activity a moment after its client closed the connection; one that stays was leaked.
        Assert.Equal(0L, Eventually(() => (long)_server.Scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", database)!));
        Assert.Equal(0L, _server.Scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", database));
    }

    private static long Eventually(Func<long> count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long value;
        while ((value = count()) != 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        return value;
    }

    public void Dispose() => _workspace.Dispose();
}
