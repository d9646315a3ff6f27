namespace OpenMemory.Build.Migrations.Sql;

/// <summary>One statement of a script, without its terminating semicolon; <see cref="Offset"/> is where its first token starts.</summary>
internal sealed class SqlStatement
{
    private readonly string _source;
    private readonly int _start;

    /// <summary>A statement that is its own text (catalog SQL, generated statements).</summary>
    public SqlStatement(string text, int offset)
        : this(text, 0, text.Length, offset)
    {
    }

    private SqlStatement(string source, int start, int length, int offset)
    {
        _source = source;
        _start = start;
        Length = length;
        Offset = offset;
    }

    /// <summary>
    /// A statement of a script, kept as a slice of it: its text is made only when asked for. Held as strings, the
    /// statements of a data migration doubled the memory of every task that split it (they are most of its size).
    /// </summary>
    public static SqlStatement Slice(string script, int start, int length) => new(script, start, length, start);

    public int Offset { get; }

    public int Length { get; }

    public ReadOnlySpan<char> Span => _source.AsSpan(_start, Length);

    /// <summary>The script this statement is a slice of, and where in it the slice starts: for a scanner that reads it in place.</summary>
    public (string Text, int Start) Source => (_source, _start);

    /// <summary>The text; for a slice, a new string on every call, so a caller that needs it twice keeps it.</summary>
    public string Text => _start == 0 && Length == _source.Length ? _source : _source.Substring(_start, Length);

    public SqlStatement WithCopyData(ReadOnlyMemory<char> rows, int offset) =>
        new(_source, _start, Length, Offset) { CopyData = rows, CopyDataOffset = offset };

    /// <summary>
    /// The inline rows of a <c>COPY ... FROM stdin</c>, as pg_dump writes them: every line after the statement up
    /// to the line <c>\.</c>, each ending in a newline. Null for any other statement. A slice of the script, not a
    /// copy: a data dump's rows are most of its size.
    /// </summary>
    public ReadOnlyMemory<char>? CopyData { get; init; }

    /// <summary>Where <see cref="CopyData"/> starts in the script.</summary>
    public int CopyDataOffset { get; init; }

    /// <summary>
    /// The rows of a COPY held out of the script's text (<see cref="HeldOutCopyRows"/>): the file's UTF-8 bytes, sent
    /// as they are. <see cref="CopyData"/> then holds an empty line for each row, which still locates a row's error.
    /// </summary>
    public ReadOnlyMemory<byte>? HeldOutRows { get; private init; }

    public SqlStatement WithHeldOutRows(ReadOnlyMemory<byte> rows) =>
        new(_source, _start, Length, Offset) { CopyData = CopyData, CopyDataOffset = CopyDataOffset, HeldOutRows = rows };

    /// <summary>The rows as a script writes them: the held-out bytes decoded, or the rows in the text; null for any other statement.</summary>
    public ReadOnlyMemory<char>? CopyRowsText => HeldOutRows is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes.Span).AsMemory() : CopyData;

    /// <summary>The first keyword, upper-cased ("CREATE", "INSERT", ...), or empty.</summary>
    public string FirstKeyword => FirstWord.ToString().ToUpperInvariant();

    /// <summary>The first keyword as written, without allocating.</summary>
    public ReadOnlySpan<char> FirstWord
    {
        get
        {
            var text = Span;
            var end = 0;
            while (end < text.Length && (char.IsAsciiLetter(text[end]) || text[end] == '_'))
            {
                end++;
            }

            return text[..end];
        }
    }
}

/// <summary>SQL text compared as words: every run of whitespace one space, none at the ends.</summary>
internal static class SqlText
{
    public static string CollapseWhitespace(string sql) => string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
