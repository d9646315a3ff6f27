namespace OpenMemory.Build.Migrations.Sql;

public static class SqlLiteral
{
    /// <summary>A standard SQL string literal: single quotes doubled. Valid in SQLite and in PostgreSQL (standard_conforming_strings).</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";

    /// <summary>A double-quoted identifier. Callers validate identifiers first; quoting keeps case and reserved words safe.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
