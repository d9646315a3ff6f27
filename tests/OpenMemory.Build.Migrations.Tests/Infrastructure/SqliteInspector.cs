using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>Reads a SQLite file the way a test wants to see it; never keeps it open.</summary>
public static class SqliteInspector
{
    public static List<string> Tables(string path) =>
        Strings(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");

    public static List<string> History(string path, string module = "test") =>
        Strings(path, $"SELECT version FROM schema_migrations WHERE module_name = '{module}' ORDER BY rowid");

    public static List<string> Strings(string path, string sql) => SqliteQuery.Column(path, sql);

    public static long Count(string path, string sql) => long.Parse(Strings(path, sql).Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The whole schema as SQLite stores it, for comparing two databases.</summary>
    public static List<string> Schema(string path) =>
        Strings(path, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
}
