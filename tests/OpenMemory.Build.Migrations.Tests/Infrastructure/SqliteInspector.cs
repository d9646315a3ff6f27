using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>Reads a SQLite file the way a test wants to see it; never keeps it open.</summary>
public static class SqliteInspector
{
    public static List<string> Tables(string path) =>
        Strings(path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");

    /// <summary>The module's versions in the history; none when the file or its history table is missing.</summary>
    public static List<string> History(string path, string module = "test") => HasHistory(path)
        ? Strings(path, $"SELECT version FROM schema_migrations WHERE module_name = '{module}' ORDER BY rowid")
        : [];

    public static bool HasHistory(string path) =>
        File.Exists(path) && Tables(path).Contains("schema_migrations");

    public static List<string> Strings(string path, string sql) => SqliteQuery.Column(path, sql);

    public static long Count(string path, string sql) => long.Parse(Strings(path, sql).Single(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The whole schema as SQLite stores it, for comparing two databases; none for a file not there.</summary>
    public static List<string> Schema(string path) => File.Exists(path)
        ? Strings(path, "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        : [];
}
