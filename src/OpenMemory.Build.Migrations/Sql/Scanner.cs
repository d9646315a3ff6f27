
namespace OpenMemory.Build.Migrations.Sql;

/// <summary>Moves over SQL one lexical element at a time; unterminated strings and comments throw with their start.</summary>
internal sealed class Scanner(string sql, SqlDialect dialect)
{
    public int Position;

    public bool TrySkipComment()
    {
        if (Peek(0) == '-' && Peek(1) == '-')
        {
            var end = sql.IndexOf('\n', Position);
            Position = end < 0 ? sql.Length : end + 1;
            return true;
        }

        if (Peek(0) == '/' && Peek(1) == '*')
        {
            SkipBlockComment();
            return true;
        }

        return false;
    }

    public string ReadWord() => ReadWordSpan().ToString();

    /// <summary>The word at the position, moved past; empty for an E'' string, which it skips whole.</summary>
    public ReadOnlySpan<char> ReadWordSpan()
    {
        var start = Position;
        // A PostgreSQL escape string E'...' is a word followed directly by a quote.
        if (dialect.EscapeStrings && (Peek(0) is 'E' or 'e') && Peek(1) == '\'')
        {
            Position++;
            SkipQuoted('\'', backslashEscapes: true);
            return [];
        }

        while (Position < sql.Length && (char.IsAsciiLetterOrDigit(sql[Position]) || sql[Position] is '_' or '$'))
        {
            Position++;
        }

        return sql.AsSpan(start, Position - start);
    }

    public void SkipToken()
    {
        var c = sql[Position];
        switch (c)
        {
            case '\'':
                SkipQuoted('\'', backslashEscapes: false);
                return;
            case '"':
                SkipQuoted('"', backslashEscapes: false);
                return;
            case '`' when dialect.BracketAndBacktickIdentifiers:
                SkipQuoted('`', backslashEscapes: false);
                return;
            case '[' when dialect.BracketAndBacktickIdentifiers:
                SkipUntil(']', "a [bracketed] identifier");
                return;
            case '$' when dialect.DollarQuotedStrings && TrySkipDollarQuoted():
                return;
            default:
                Position++;
                return;
        }
    }

    private void SkipQuoted(char quote, bool backslashEscapes)
    {
        var start = Position;
        Position++;
        if (!backslashEscapes)
        {
            SkipToClosingQuote(start, quote);
            return;
        }

        while (Position < sql.Length)
        {
            var c = sql[Position];
            if (c == '\\')
            {
                Position += 2;
                continue;
            }

            if (c == quote)
            {
                if (Peek(1) == quote)
                {
                    Position += 2;
                    continue;
                }

                Position++;
                return;
            }

            Position++;
        }

        throw Unterminated(start, quote == '\'' ? "a string literal" : "a quoted identifier");
    }

    // A vectorized search from quote to quote; a doubled quote is part of the text.
    private void SkipToClosingQuote(int start, char quote)
    {
        while (true)
        {
            var end = sql.IndexOf(quote, Position);
            if (end < 0)
            {
                Position = sql.Length;
                throw Unterminated(start, quote == '\'' ? "a string literal" : "a quoted identifier");
            }

            if (end + 1 < sql.Length && sql[end + 1] == quote)
            {
                Position = end + 2;
                continue;
            }

            Position = end + 1;
            return;
        }
    }

    private void SkipUntil(char close, string what)
    {
        var start = Position;
        var end = sql.IndexOf(close, Position + 1);
        if (end < 0)
        {
            throw Unterminated(start, what);
        }

        Position = end + 1;
    }

    private void SkipBlockComment()
    {
        var start = Position;
        var depth = 0;
        while (Position < sql.Length)
        {
            if (Peek(0) == '/' && Peek(1) == '*')
            {
                depth = dialect.NestedBlockComments ? depth + 1 : 1;
                Position += 2;
            }
            else if (Peek(0) == '*' && Peek(1) == '/')
            {
                depth--;
                Position += 2;
                if (depth == 0)
                {
                    return;
                }
            }
            else
            {
                Position++;
            }
        }

        throw Unterminated(start, "a /* comment */");
    }

    private bool TrySkipDollarQuoted()
    {
        // $tag$ ... $tag$ where tag is empty or an identifier not starting with a digit ($1 is a parameter).
        var start = Position;
        if (start > 0 && (char.IsAsciiLetterOrDigit(sql[start - 1]) || sql[start - 1] == '_'))
        {
            return false;
        }

        var tagEnd = start + 1;
        if (tagEnd < sql.Length && char.IsAsciiDigit(sql[tagEnd]))
        {
            return false;
        }

        while (tagEnd < sql.Length && (char.IsAsciiLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_'))
        {
            tagEnd++;
        }

        if (tagEnd >= sql.Length || sql[tagEnd] != '$')
        {
            return false;
        }

        var tag = sql[start..(tagEnd + 1)];
        var close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Unterminated(start, $"a {tag}-quoted body");
        }

        Position = close + tag.Length;
        return true;
    }

    private char Peek(int ahead) => Position + ahead < sql.Length ? sql[Position + ahead] : '\0';

    private UnterminatedSqlException Unterminated(int offset, string what) => new(offset, what);
}

/// <summary>The script ends inside a string, identifier, comment or body; the caller adds the file.</summary>
internal sealed class UnterminatedSqlException(int offset, string what) : Exception(what)
{
    public int Offset { get; } = offset;

    public string What { get; } = what;
}

/// <summary>A psql backslash command (other than pg_dump's \restrict and \unrestrict) where a statement would start.</summary>
internal sealed class PsqlMetaCommandException(int offset, string command) : Exception(command)
{
    public int Offset { get; } = offset;

    public string Command { get; } = command;
}
