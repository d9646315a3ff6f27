using Microsoft.Data.Sqlite;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal static class SqlitePragma
{
    /// <summary>Runs "PRAGMA <paramref name="pragma"/>" and returns its number (0 when it returns none).</summary>
    public static long Read(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        return command.ExecuteScalar() is long value ? value : 0;
    }
}
