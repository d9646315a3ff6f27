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
    public static List<string> Column(string path, string sql) =>
        Read(path, sql, reader => Text(reader, 0));

    /// <summary>Every row with all its columns, as "a | b | c" invariant text.</summary>
    public static List<string> Rows(string path, string sql) =>
        Read(path, sql, reader => string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader, i))));

    private static List<string> Read(string path, string sql, Func<SqliteDataReader, string> row)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadWrite;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    private static string Text(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? "<null>" : Convert.ToString(reader.GetValue(ordinal), CultureInfo.InvariantCulture)!;
}
