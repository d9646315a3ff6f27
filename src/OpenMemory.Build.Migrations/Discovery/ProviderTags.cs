namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>The provider names a file name or a setting may use, mapped to the provider they mean.</summary>
internal static class ProviderTags
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    // Databases other tools' folders carry files for (pop, golang-migrate, sqlx, dbmate). Their files are skipped.
    private static readonly HashSet<string> OtherDatabases = new(StringComparer.OrdinalIgnoreCase)
    {
        "mysql", "mariadb", "cockroach", "cockroachdb", "crdb", "mssql", "sqlserver", "oracle", "clickhouse", "tidb",
        "spanner", "snowflake", "redshift", "yugabyte", "yugabytedb", "db2", "firebird", "h2", "hsqldb", "cassandra",
        "mongodb", "duckdb", "libsql", "turso", "vertica", "bigquery", "databricks", "trino", "presto",
    };

    public static string? Normalize(string? tag) => tag?.Trim().ToLowerInvariant() switch
    {
        "sqlite" or "sqlite3" => Sqlite,
        "postgres" or "postgresql" or "pg" or "npgsql" => Postgres,
        _ => null,
    };

    /// <summary>A database this tool does not migrate, whose files a shared folder may hold.</summary>
    public static bool IsOtherDatabase(string tag) => OtherDatabases.Contains(tag);
}
