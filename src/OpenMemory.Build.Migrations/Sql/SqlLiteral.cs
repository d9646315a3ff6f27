namespace OpenMemory.Build.Migrations.Sql;

internal static class SqlLiteral
{
    /// <summary>A standard SQL string literal: single quotes doubled. Valid in SQLite and in PostgreSQL (standard_conforming_strings).</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>
    /// A statement with its terminating semicolon, as a script needs it. When the statement's last line holds "--",
    /// a semicolon on that line would be commented out, so it goes on a line of its own.
    /// </summary>
    public static string Terminated(string statement) =>
        statement.AsSpan(statement.LastIndexOf('\n') + 1).Contains("--", StringComparison.Ordinal) ? statement + "\n;" : statement + ";";

    /// <summary>A double-quoted identifier. Callers validate identifiers first; quoting keeps case and reserved words safe.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
