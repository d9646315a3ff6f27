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

    /// <summary>SQLite names the offending token ("near "x"", "no such table: x"); find it in the statement.</summary>
    public static int Position(SqliteException e, string statement)
    {
        var match = TokenInMessage().Match(e.Message);
        if (!match.Success)
        {
            return 0;
        }

        var token = match.Groups["token"].Value;
        var index = statement.IndexOf(token, StringComparison.OrdinalIgnoreCase);
        return Math.Max(index, 0);
    }

    [GeneratedRegex(@"^SQLite Error \d+: '(?<text>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex WrappedMessage();

    [GeneratedRegex(@"(?:near ""(?<token>[^""]+)""|no such (?:table|column|function|collation sequence|index|module): (?<token>[\w.]+)|(?:table|index|view|trigger) (?<token>\w+) already exists|duplicate column name: (?<token>\w+))")]
    private static partial Regex TokenInMessage();
}
