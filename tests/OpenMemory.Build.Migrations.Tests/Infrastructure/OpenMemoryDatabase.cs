using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>
/// OpenMemory databases as OpenMemory itself left them, with no schema_migrations: the 1.1 schema (the sample's
/// baseline DDL run directly) full of rows, and optionally its own v1.2 upgrade with schema_version.
/// </summary>
public static partial class OpenMemoryDatabase
{
    public const int Rows = 3000;

    public static readonly Dictionary<string, string> PostgresTables = new()
    {
        ["memories"] = "openmemory_memories",
        ["memories_fts"] = "openmemory_memories_fts",
        ["vectors"] = "openmemory_vectors",
        ["waypoints"] = "openmemory_waypoints",
        ["embed_logs"] = "openmemory_embed_logs",
        ["users"] = "openmemory_users",
        ["stats"] = "openmemory_stats",
    };

    /// <summary>Every row of the 1.1 columns of every table, for comparing before and after an upgrade.</summary>
    public static readonly string[] SqliteSnapshotQueries =
    [
        "SELECT id || '|' || content || '|' || primary_sector || '|' || coalesce(tags, '') || '|' || coalesce(created_at, '') || '|' || coalesce(salience, '') || '|' || hex(coalesce(mean_vec, '')) FROM memories ORDER BY id",
        "SELECT id || '|' || sector || '|' || hex(v) || '|' || dim FROM vectors ORDER BY id, sector",
        "SELECT id || '|' || content FROM memories_fts ORDER BY id",
        "SELECT coalesce(src_id, '<null>') || '|' || dst_id || '|' || weight || '|' || created_at FROM waypoints ORDER BY src_id",
        "SELECT id || '|' || model || '|' || status || '|' || ts || '|' || coalesce(err, '') FROM embed_logs ORDER BY id",
    ];

    public static void CreateSqliteV11(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, Expand(File.ReadAllText(Path.Combine(RepositoryPaths.SampleMigrations, "1.1.0_baseline.sqlite.sql")), name => name));
        using var transaction = connection.BeginTransaction();
        Execute(connection, $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO memories (id, content, primary_sector, tags, meta, created_at, updated_at, last_seen_at, salience, decay_lambda, version, mean_dim, mean_vec)
              SELECT 'm' || i, 'memory number ' || i, CASE i % 3 WHEN 0 THEN 'episodic' WHEN 1 THEN 'semantic' ELSE 'procedural' END,
                     '["t' || (i % 7) || '"]', 'no-meta', 1700000000000 + i, 1700000000000 + i, 1700000000000 + i, i / 1000.0, 0.02, 1, 4, randomblob(16)
              FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO vectors (id, sector, v, dim) SELECT 'm' || i, 'semantic', randomblob(32), 8 FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO memories_fts (id, content) SELECT 'm' || i, 'memory number ' || i FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO waypoints (src_id, dst_id, weight, created_at, updated_at) SELECT 'm' || i, 'm' || (i % {Rows} + 1), 0.5, i, i FROM n;
            INSERT INTO waypoints (src_id, dst_id, weight, created_at, updated_at) VALUES (NULL, 'm1', 0.1, 0, 0);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
            INSERT INTO embed_logs (id, model, status, ts, err) SELECT 'e' || i, 'synthetic', 'ok', i, NULL FROM n;
            """);
        transaction.Commit();
    }

    /// <summary>What OpenMemory's own migrate tool left after upgrading to 1.2.0: the 1.2.0 schema and schema_version.</summary>
    public static void UpgradeSqliteLikeOpenMemory(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var sql = Expand(File.ReadAllText(Path.Combine(RepositoryPaths.SampleMigrations, "1.2.0_multi-user_tenant_support.sqlite.sql")), name => name)
            .Replace("ADD COLUMN IF NOT EXISTS", "ADD COLUMN");
        Execute(connection, sql);
        Execute(connection, "CREATE TABLE schema_version (version TEXT PRIMARY KEY, applied_at INTEGER); INSERT INTO schema_version VALUES ('1.2.0', 1700000000000);");
    }

    public static List<string> SqliteSnapshot(string path) =>
        [.. SqliteSnapshotQueries.SelectMany(query => SqliteInspector.Strings(path, query))];

    public static void CreatePostgresV11(PostgresServer server, string database, string schema)
    {
        var ddl = Expand(File.ReadAllText(Path.Combine(RepositoryPaths.SampleMigrations, "1.1.0_baseline.postgres.sql")), name => $"\"{schema}\".\"{PostgresTables[name]}\"");
        server.Execute($"CREATE SCHEMA \"{schema}\";\n{ddl}", database);
        server.Execute($"""
            INSERT INTO "{schema}".openmemory_memories (id, content, primary_sector, tags, meta, created_at, updated_at, last_seen_at, salience, decay_lambda, version, mean_dim, mean_vec)
              SELECT 'm' || i, 'memory number ' || i, (ARRAY['episodic','semantic','procedural'])[i % 3 + 1], '["t' || (i % 7) || '"]', 'no-meta',
                     1700000000000 + i, 1700000000000 + i, 1700000000000 + i, i / 1000.0, 0.02, 1, 4, decode(md5(i::text), 'hex')
              FROM generate_series(1, {Rows}) i;
            INSERT INTO "{schema}".openmemory_vectors (id, sector, v, dim) SELECT 'm' || i, 'semantic', decode(md5('v' || i), 'hex'), 8 FROM generate_series(1, {Rows}) i;
            INSERT INTO "{schema}".openmemory_memories_fts (id, content) SELECT 'm' || i, 'memory number ' || i FROM generate_series(1, {Rows}) i;
            INSERT INTO "{schema}".openmemory_waypoints (src_id, dst_id, weight, created_at, updated_at) SELECT 'm' || i, 'm' || (i % {Rows} + 1), 0.5, i, i FROM generate_series(1, {Rows}) i;
            INSERT INTO "{schema}".openmemory_embed_logs (id, model, status, ts, err) SELECT 'e' || i, 'synthetic', 'ok', i, NULL FROM generate_series(1, {Rows}) i;
            """, database);
    }

    public static List<string> PostgresSnapshot(PostgresServer server, string database, string schema) =>
    [
        .. new[]
        {
            $"SELECT id || '|' || content || '|' || primary_sector || '|' || tags || '|' || created_at || '|' || salience || '|' || encode(mean_vec, 'hex') FROM \"{schema}\".openmemory_memories ORDER BY id",
            $"SELECT id || '|' || sector || '|' || encode(v, 'hex') || '|' || dim FROM \"{schema}\".openmemory_vectors ORDER BY id, sector",
            $"SELECT id || '|' || content || '|' || content_tsv::text FROM \"{schema}\".openmemory_memories_fts ORDER BY id",
            $"SELECT src_id || '|' || dst_id || '|' || weight || '|' || created_at FROM \"{schema}\".openmemory_waypoints ORDER BY src_id",
            $"SELECT id || '|' || model || '|' || status || '|' || ts FROM \"{schema}\".openmemory_embed_logs ORDER BY id",
        }.SelectMany(query => server.Rows(query, database).Select(r => (string)r[0]!)),
    ];

    private static string Expand(string sql, Func<string, string> table) =>
        TablePlaceholder().Replace(sql, m => table(m.Groups[1].Value));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [GeneratedRegex(@"\{\{tables\.(\w+)\}\}")]
    private static partial Regex TablePlaceholder();
}
