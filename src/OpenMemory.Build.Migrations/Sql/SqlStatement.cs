namespace OpenMemory.Build.Migrations.Sql;

/// <summary>One statement of a script, without its terminating semicolon; <see cref="Offset"/> is where its first token starts.</summary>
internal sealed record SqlStatement(string Text, int Offset)
{
    /// <summary>
    /// The inline rows of a <c>COPY ... FROM stdin</c>, as pg_dump writes them: every line after the statement up
    /// to the line <c>\.</c>, each ending in a newline. Null for any other statement. A slice of the script, not a
    /// copy: a data dump's rows are most of its size.
    /// </summary>
    public ReadOnlyMemory<char>? CopyData { get; init; }

    /// <summary>Where <see cref="CopyData"/> starts in the script.</summary>
    public int CopyDataOffset { get; init; }

    /// <summary>The first keyword, upper-cased ("CREATE", "INSERT", ...), or empty.</summary>
    public string FirstKeyword
    {
        get
        {
            var end = 0;
            while (end < Text.Length && (char.IsAsciiLetter(Text[end]) || Text[end] == '_'))
            {
                end++;
            }

            return Text[..end].ToUpperInvariant();
        }
    }
}

/// <summary>SQL text compared as words: every run of whitespace one space, none at the ends.</summary>
internal static class SqlText
{
    public static string CollapseWhitespace(string sql) => string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
