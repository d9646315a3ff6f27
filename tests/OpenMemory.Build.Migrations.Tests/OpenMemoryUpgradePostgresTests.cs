using Npgsql;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>OpenMemory's upgrade path and module isolation on a real, populated PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OpenMemoryUpgradePostgresTests(PostgresFixture fixture) : IDisposable
{
    private const string Schema = "openmemory";
    private readonly MigrationWorkspace _workspace = new();
    private readonly PostgresServer _server = fixture.Server;

    private MigrationOptions Options(string database, string? baseline = null) => new()
    {
        Module = "openmemory",
        Provider = "postgres",
        ConnectionString = _server.ConnectionString(database),
        Schema = Schema,
        TableMap = OpenMemoryDatabase.PostgresTables,
        BaselineVersion = baseline,
    };

    [Fact]
    public void A_populated_v1_1_schema_upgrades_to_1_3_0_with_every_row_intact()
    {
        _workspace.AddSampleMigrations();
        var database = _server.CreateDatabase();
        OpenMemoryDatabase.CreatePostgresV11(_server, database, Schema);
        var before = OpenMemoryDatabase.PostgresSnapshot(_server, database, Schema);
        Assert.Equal(5 * OpenMemoryDatabase.Rows, before.Count);

        var result = _workspace.Run(Options(database, baseline: "1.1.0"));

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(before, OpenMemoryDatabase.PostgresSnapshot(_server, database, Schema));
        AssertUpgraded(database);
        Assert.Equal(0, _workspace.Run(Options(database, baseline: "1.1.0")).AppliedNowCount);
    }

    [Fact]
    public void A_schema_upgraded_by_openmemorys_own_tool_is_adopted_without_re_running_1_2_0()
    {
        _workspace.AddSampleMigrations(name => name.StartsWith("1.1.0", StringComparison.Ordinal) || name.StartsWith("1.2.0", StringComparison.Ordinal));
        var database = _server.CreateDatabase();
        OpenMemoryDatabase.CreatePostgresV11(_server, database, Schema);
        Assert.True(_workspace.Run(Options(database, baseline: "1.1.0")).Succeeded, _workspace.Log.Text);
        // Turn it into what OpenMemory's tool leaves: no schema_migrations, a schema_version row for 1.2.0.
        _server.Execute($"DROP TABLE {Schema}.schema_migrations; CREATE TABLE {Schema}.schema_version (version TEXT PRIMARY KEY, applied_at BIGINT); INSERT INTO {Schema}.schema_version VALUES ('1.2.0', 1700000000000);", database);
        _workspace.AddSampleMigrations();

        var result = _workspace.Run(Options(database));

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.DoesNotContain(_workspace.Log.Lines, l => l.Contains("Running migration: 1.2.0"));
        Assert.Equal(["1.1.0 baselined", "1.2.0 baselined", "1.3.0 applied"],
            _server.Rows($"SELECT version || ' ' || kind FROM {Schema}.schema_migrations ORDER BY version", database).Select(r => (string)r[0]!));
        AssertUpgraded(database);
    }

    [Fact]
    public async Task The_same_upgrade_run_twice_at_once_leaves_the_schema_correct()
    {
        _workspace.AddSampleMigrations();
        var database = _server.CreateDatabase();
        OpenMemoryDatabase.CreatePostgresV11(_server, database, Schema);
        var before = OpenMemoryDatabase.PostgresSnapshot(_server, database, Schema);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(database, baseline: "1.1.0")))));

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join('\n', r.Diagnostics)));
        Assert.Equal(2, results.Sum(r => r.AppliedNowCount));
        Assert.Equal(before, OpenMemoryDatabase.PostgresSnapshot(_server, database, Schema));
        AssertUpgraded(database);
    }

    [Theory]
    [InlineData("llmemory")]
    [InlineData(Schema)]
    public void An_llmemory_module_beside_openmemory_keeps_its_own_history(string llmemorySchema)
    {
        var database = _server.CreateDatabase();
        using var llmemory = new MigrationWorkspace();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("samples", "LLMemory", "Migrations")))
        {
            llmemory.Add(Path.GetFileName(file), File.ReadAllText(file));
        }

        _workspace.AddSampleMigrations();
        var llmemoryOptions = new MigrationOptions { Module = "aword_memory", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = llmemorySchema };

        Assert.True(_workspace.Run(Options(database)).Succeeded, _workspace.Log.Text);
        var first = llmemory.Run(llmemoryOptions);
        Assert.True(first.Succeeded, llmemory.Explain(first));

        Assert.Equal(["aword_memory 001", "aword_memory 002"],
            _server.Rows($"SELECT module_name || ' ' || version FROM \"{llmemorySchema}\".schema_migrations WHERE module_name = 'aword_memory' ORDER BY version", database).Select(r => (string)r[0]!));
        Assert.Equal(3L, _server.Scalar($"SELECT count(*) FROM {Schema}.schema_migrations WHERE module_name = 'openmemory'", database));
        Assert.Equal(1L, _server.Scalar($"SELECT count(*) FROM pg_tables WHERE schemaname = '{llmemorySchema}' AND tablename = 'documents'", database));

        // Each module sees only its own rows: nothing is "missing", nothing pending, for either.
        var openmemoryVerify = _workspace.Run(new MigrationOptions { Module = "openmemory", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = Schema, TableMap = OpenMemoryDatabase.PostgresTables, Mode = MigrationMode.Verify, FailOnPending = true });
        Assert.True(openmemoryVerify.Succeeded, _workspace.Explain(openmemoryVerify));
        var llmemoryVerify = llmemory.Run(new MigrationOptions { Module = "aword_memory", Provider = "postgres", ConnectionString = _server.ConnectionString(database), Schema = llmemorySchema, Mode = MigrationMode.Verify, FailOnPending = true });
        Assert.True(llmemoryVerify.Succeeded, llmemory.Explain(llmemoryVerify));
    }

    private void AssertUpgraded(string database)
    {
        foreach (var table in new[] { "openmemory_memories", "openmemory_vectors", "openmemory_waypoints" })
        {
            Assert.Equal(2L, _server.Scalar($"SELECT count(*) FROM information_schema.columns WHERE table_schema = '{Schema}' AND table_name = '{table}' AND column_name IN ('user_id', 'project_id')", database));
        }

        var indexes = _server.Rows($"SELECT indexname FROM pg_indexes WHERE schemaname = '{Schema}'", database).Select(r => (string)r[0]!).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "openmemory_memories_user_idx", "openmemory_vectors_user_idx", "openmemory_waypoints_user_idx", "openmemory_waypoints_src_user_key",
            "openmemory_stats_ts_idx", "openmemory_stats_type_idx", "openmemory_memories_project_idx", "openmemory_waypoints_project_idx",
        }, indexes);
        Assert.Equal(0L, _server.Scalar($"SELECT count(*) FROM {Schema}.openmemory_memories WHERE user_id IS NOT NULL", database));

        using var connection = new NpgsqlConnection(_server.ConnectionString(database));
        connection.Open();
        var duplicate = Assert.Throws<PostgresException>(() => new NpgsqlCommand($"INSERT INTO {Schema}.openmemory_waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm9', NULL, 1)", connection).ExecuteNonQuery());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, duplicate.SqlState);
        new NpgsqlCommand($"INSERT INTO {Schema}.openmemory_waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm9', 'alice', 1)", connection).ExecuteNonQuery();
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.Throws<PostgresException>(() =>
            new NpgsqlCommand($"INSERT INTO {Schema}.openmemory_waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm7', 'alice', 1)", connection).ExecuteNonQuery()).SqlState);
    }

    public void Dispose() => _workspace.Dispose();
}
