using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal static class SqliteConnectionParser
{
    /// <summary>Accepts "Data Source=path;..." or a bare file path.</summary>
    public static SqliteConnectionStringBuilder Parse(string connectionString)
    {
        if (!connectionString.Contains('='))
        {
            return new SqliteConnectionStringBuilder { DataSource = connectionString.Trim() };
        }

        try
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            if (string.IsNullOrWhiteSpace(builder.DataSource))
            {
                throw new MigrationException(Errors.MalformedConnectionString("it names no 'Data Source'"));
            }

            return builder;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new MigrationException(Errors.MalformedConnectionString(e.Message));
        }
    }
}
