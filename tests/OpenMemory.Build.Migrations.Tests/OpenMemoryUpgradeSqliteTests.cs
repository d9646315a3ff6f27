using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>OpenMemory's own upgrade path (v1.1 → 1.2.0 → 1.3.0) on real, populated SQLite databases.</summary>
public sealed class OpenMemoryUpgradeSqliteTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    public OpenMemoryUpgradeSqliteTests() => _workspace.AddSampleMigrations();

    private MigrationOptions Options(string? baseline = null) => new()
    {
        Module = "openmemory",
        Provider = "sqlite",
        ConnectionString = $"Data Source={_workspace.DatabasePath}",
        BaselineVersion = baseline,
    };

    [Fact]
    public void A_populated_v1_1_database_upgrades_to_1_3_0_with_every_row_intact()
    {
        OpenMemoryDatabase.CreateSqliteV11(_workspace.DatabasePath);
        var before = OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath);
        Assert.Equal(5 * OpenMemoryDatabase.Rows + 1, before.Count);

        var result = _workspace.Run(Options(baseline: "1.1.0"));

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Contains("[MIGRATE] Baselined 1 migration(s) up to version 1.1.0 without running them", _workspace.Log.Lines);
        Assert.Equal(before, OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath));
        AssertUpgraded(_workspace.DatabasePath);
        Assert.Equal(["1.1.0 baselined", "1.2.0 applied", "1.3.0 applied"],
            SqliteInspector.Strings(_workspace.DatabasePath, "SELECT version || ' ' || kind FROM schema_migrations ORDER BY version"));

        var again = _workspace.Run(Options(baseline: "1.1.0"));
        Assert.True(again.Succeeded, _workspace.Explain(again));
        Assert.Equal(0, again.AppliedNowCount);
    }

    [Fact]
    public void A_database_upgraded_by_openmemorys_own_tool_is_adopted_without_re_running_1_2_0()
    {
        OpenMemoryDatabase.CreateSqliteV11(_workspace.DatabasePath);
        OpenMemoryDatabase.UpgradeSqliteLikeOpenMemory(_workspace.DatabasePath);
        using (var connection = Open())
        {
            Execute(connection, "INSERT INTO users (user_id, summary) VALUES ('u1', 'kept'); UPDATE memories SET user_id = 'u1' WHERE id = 'm1';");
        }

        var before = OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath);

        var result = _workspace.Run(Options());

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.DoesNotContain(_workspace.Log.Lines, l => l.Contains("Running migration: 1.2.0"));
        Assert.Contains("[MIGRATE] Running migration: 1.3.0 - Project-level isolation", _workspace.Log.Lines);
        Assert.Equal(["1.1.0 baselined", "1.2.0 baselined", "1.3.0 applied"],
            SqliteInspector.Strings(_workspace.DatabasePath, "SELECT version || ' ' || kind FROM schema_migrations ORDER BY version"));
        Assert.Equal(before, OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath));
        Assert.Equal(["u1"], SqliteInspector.Strings(_workspace.DatabasePath, "SELECT user_id FROM memories WHERE id = 'm1'"));
        AssertUpgraded(_workspace.DatabasePath);
    }

    [Fact]
    public async Task The_same_upgrade_run_twice_at_once_leaves_the_database_correct()
    {
        OpenMemoryDatabase.CreateSqliteV11(_workspace.DatabasePath);
        var before = OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath);

        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            new Migrator().MigrateAsync(_workspace.MigrationsFolder, Options(baseline: "1.1.0")))).ToArray();
        var results = await Task.WhenAll(runs);

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join('\n', r.Diagnostics)));
        Assert.Equal(2, results.Sum(r => r.AppliedNowCount));
        Assert.Equal(before, OpenMemoryDatabase.SqliteSnapshot(_workspace.DatabasePath));
        Assert.Equal(3L, SqliteInspector.Count(_workspace.DatabasePath, "SELECT count(*) FROM schema_migrations"));
        AssertUpgraded(_workspace.DatabasePath);
    }

    private void AssertUpgraded(string path)
    {
        foreach (var table in new[] { "memories", "vectors", "waypoints" })
        {
            var columns = SqliteInspector.Strings(path, $"SELECT name FROM pragma_table_info('{table}')");
            Assert.Contains("user_id", columns);
            Assert.Contains("project_id", columns);
        }

        var indexes = SqliteInspector.Strings(path, "SELECT name FROM sqlite_master WHERE type = 'index'");
        Assert.Superset(new HashSet<string>
        {
            "idx_memories_user", "idx_vectors_user", "idx_waypoints_user", "idx_waypoints_src_user", "idx_waypoints_src", "idx_waypoints_dst",
            "idx_stats_ts", "idx_stats_type", "openmemory_memories_project_idx", "openmemory_vectors_project_idx", "openmemory_waypoints_project_idx",
        }, indexes.ToHashSet());
        Assert.Equal(0L, SqliteInspector.Count(path, "SELECT count(*) FROM memories WHERE user_id IS NOT NULL AND id <> 'm1'"));

        using var connection = Open();
        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm9', NULL, 1)"));
        Execute(connection, "INSERT INTO waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm9', 'alice', 1)");
        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO waypoints (src_id, dst_id, user_id, weight) VALUES ('m5', 'm7', 'alice', 1)"));
        Execute(connection, "DELETE FROM waypoints WHERE user_id = 'alice'");
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_workspace.DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _workspace.Dispose();
}
