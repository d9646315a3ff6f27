using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OpenMemory.Build.Testing;

/// <summary>Reads a SQLite file for an assertion and closes it again.</summary>
public static class SqliteQuery
{
    /// <summary>
    /// The first column of every row, as invariant text. Opened writable (never created): after a killed run, opening
    /// is what rolls its hot journal back, as any real client would. Nothing is written.
    /// </summary>
    public static List<string> Column(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "<null>" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
