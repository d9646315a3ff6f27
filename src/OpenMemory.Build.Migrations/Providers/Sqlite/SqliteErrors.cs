using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal static partial class SqliteErrors
{
    public const int ReadOnly = 8;
    public const int Interrupt = 9;
    public const int Auth = 23;

    /// <summary>"near "CREAT": syntax error (SQLite error 1)" from Microsoft.Data.Sqlite's wrapped message.</summary>
    public static string Message(SqliteException e)
    {
        var match = WrappedMessage().Match(e.Message);
        var text = match.Success ? match.Groups["text"].Value : e.Message;
        return $"{text} (SQLite error {e.SqliteErrorCode})";
    }

    /// <summary>
    /// The message for a failed statement: "no such column" for a word the statement writes in double quotes gets a
    /// hint, since the sqlite3 shell takes "x" as a string where the library takes it as a name.
    /// </summary>
    public static string Message(SqliteException e, string statement)
    {
        var message = Message(e);
        var match = NoSuchColumn().Match(e.Message);
        var name = match.Groups["name"].Value.Trim('"');
        return match.Success && statement.Contains($"\"{name}\"", StringComparison.Ordinal)
            ? message + $"; \"{name}\" in double quotes is a name, not a string (the sqlite3 shell accepts it, this library does not): write '{name}' in single quotes"
            : message;
    }

    [GeneratedRegex(@"no such column: (?<name>""[^""]+""|[^\s']+)")]
    private static partial Regex NoSuchColumn();

    /// <summary>
    /// Where in the statement SQLite failed. The library does not expose SQLite's own error offset, so a syntax
    /// error ("near "x"") is found by parsing: of the places the token stands, the first whose prefix of the statement
    /// already fails with the same error is the one. A name ("no such table: x") is looked for as a whole word outside
    /// strings and comments.
    /// </summary>
    public static int Position(SqliteException e, string statement, SqliteConnection connection)
    {
        var match = TokenInMessage().Match(e.Message);
        if (!match.Success)
        {
            return 0;
        }

        var token = match.Groups["token"].Value;
        var places = Places(statement, token);
        if (match.Groups["near"].Success)
        {
            foreach (var place in places)
            {
                if (FailsNear(connection, statement[..(place + token.Length)], token))
                {
                    return place;
                }
            }
        }

        return places.Count > 0 ? places[0] : 0;
    }

    /// <summary>Where the token stands as a token of its own, outside strings, quoted names and comments.</summary>
    private static List<int> Places(string statement, string token)
    {
        var places = new List<int>();
        var scanner = new Sql.Scanner(statement, Sql.SqlDialect.Sqlite);
        while (scanner.Position < statement.Length)
        {
            if (char.IsWhiteSpace(statement[scanner.Position]))
            {
                scanner.Position++;
                continue;
            }

            if (scanner.TrySkipComment())
            {
                continue;
            }

            var start = scanner.Position;
            if (string.Compare(statement, start, token, 0, token.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                places.Add(start);
            }

            if (char.IsAsciiLetter(statement[start]) || statement[start] == '_')
            {
                scanner.ReadWord();
            }
            else
            {
                scanner.SkipToken();
            }
        }

        return places;
    }

    private static bool FailsNear(SqliteConnection connection, string prefix, string token)
    {
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle, prefix, out SQLitePCL.sqlite3_stmt prepared);
        try
        {
            return rc != SQLitePCL.raw.SQLITE_OK
                && SQLitePCL.raw.sqlite3_errmsg(connection.Handle).utf8_to_string().Contains($"near \"{token}\"", StringComparison.Ordinal);
        }
        finally
        {
            prepared?.Dispose();
        }
    }

    [GeneratedRegex(@"^SQLite Error \d+: '(?<text>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex WrappedMessage();

    [GeneratedRegex(@"(?:(?<near>near) ""(?<token>[^""]+)""|no such (?:table|column|function|collation sequence|index|module): (?<token>[\w.]+)|(?:table|index|view|trigger) (?<token>\w+) already exists|duplicate column name: (?<token>\w+))")]
    private static partial Regex TokenInMessage();
}
