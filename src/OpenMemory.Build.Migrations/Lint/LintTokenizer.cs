using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// Splits one statement into tokens with the engine's scanner, so comments, strings, quoted names and $$ bodies
/// are read exactly as the splitter and the database read them.
/// </summary>
internal static class LintTokenizer
{
    private static readonly string[] Symbols = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).ToArray();

    public static List<LintToken> Tokenize(SqlStatement statement, SqlDialect dialect) => Tokenize(statement, dialect, new LintWords(), []);

    /// <summary>
    /// Reads the statement in place in its script into <paramref name="tokens"/>, cleared first: a lint run reuses one
    /// list for every statement. Words come from <paramref name="words"/>.
    /// </summary>
    public static List<LintToken> Tokenize(SqlStatement statement, SqlDialect dialect, LintWords words, List<LintToken> tokens)
    {
        var (text, begin) = statement.Source;
        var end = begin + statement.Length;
        var shift = statement.Offset - begin;
        var scanner = new Scanner(text, dialect) { Position = begin };
        tokens.Clear();
        tokens.EnsureCapacity(statement.Length / 4);
        var depth = 0;
        while (scanner.Position < end)
        {
            var c = text[scanner.Position];
            if (char.IsWhiteSpace(c) || scanner.TrySkipComment())
            {
                if (char.IsWhiteSpace(c))
                {
                    scanner.Position++;
                }

                continue;
            }

            var start = scanner.Position;
            LintToken token;
            if (c == '{' && start + 1 < end && text[start + 1] == '{')
            {
                var close = text.AsSpan(start, end - start).IndexOf("}}", StringComparison.Ordinal);
                scanner.Position = close < 0 ? end : start + close + 2;
                token = new(LintTokenKind.Placeholder, words.Get(text.AsSpan(start, scanner.Position - start)), shift + start, depth);
            }
            else if (char.IsAsciiLetter(c) || c == '_' || c > 127)
            {
                var word = scanner.ReadWordSpan();
                if (scanner.Position == start)
                {
                    scanner.Position++;
                    word = text.AsSpan(start, 1);
                }

                token = word.Length == 0
                    ? new(LintTokenKind.Text, Slice(text, start, scanner.Position, end), shift + start, depth)
                    : new(LintTokenKind.Word, words.Get(word), shift + start, depth);
            }
            else if (char.IsAsciiDigit(c))
            {
                while (scanner.Position < end && (char.IsAsciiLetterOrDigit(text[scanner.Position]) || text[scanner.Position] == '.'))
                {
                    scanner.Position++;
                }

                token = new(LintTokenKind.Number, words.Get(text.AsSpan(start, scanner.Position - start)), shift + start, depth);
            }
            else if (c is '"' or '`' or '[' && (c == '"' || dialect.BracketAndBacktickIdentifiers))
            {
                scanner.SkipToken();
                var inner = text.AsSpan(start + 1, Math.Min(scanner.Position, end) - start - 2);
                token = new(LintTokenKind.QuotedName, c == '"' && inner.Contains("\"\"", StringComparison.Ordinal) ? inner.ToString().Replace("\"\"", "\"") : words.Get(inner),
                    shift + start, depth);
            }
            else if (c is '\'' or '$')
            {
                scanner.SkipToken();
                var kind = c == '$' && scanner.Position == start + 1 ? LintTokenKind.Symbol : LintTokenKind.Text;
                token = new(kind, Slice(text, start, scanner.Position, end), shift + start, depth);
            }
            else if (c == ':' && start + 1 < end && text[start + 1] == ':')
            {
                scanner.Position += 2;
                token = new(LintTokenKind.Symbol, "::", shift + start, depth);
            }
            else
            {
                scanner.Position++;
                if (c == ')')
                {
                    depth = Math.Max(0, depth - 1);
                }

                token = new(LintTokenKind.Symbol, Symbols[c & 127], shift + start, depth);
                if (c == '(')
                {
                    depth++;
                }
            }

            tokens.Add(token);
        }

        return tokens;
    }

    private static string Slice(string text, int start, int position, int end) => text[start..Math.Min(position, end)];
}
