using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// Splits one statement into tokens with the engine's scanner, so comments, strings, quoted names and $$ bodies
/// are read exactly as the splitter and the database read them.
/// </summary>
internal static class LintTokenizer
{
    private static readonly string[] Symbols = Enumerable.Range(0, 128).Select(c => ((char)c).ToString()).ToArray();

    public static IReadOnlyList<LintToken> Tokenize(SqlStatement statement, SqlDialect dialect)
    {
        var text = statement.Text;
        var at = statement.Offset;
        var scanner = new Scanner(text, dialect);
        var tokens = new List<LintToken>(text.Length / 6);
        var depth = 0;
        while (scanner.Position < text.Length)
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
            if (c == '{' && start + 1 < text.Length && text[start + 1] == '{')
            {
                var end = text.IndexOf("}}", start, StringComparison.Ordinal);
                scanner.Position = end < 0 ? text.Length : end + 2;
                token = new(LintTokenKind.Placeholder, text[start..scanner.Position], at + start, depth);
            }
            else if (char.IsAsciiLetter(c) || c == '_' || c > 127)
            {
                var word = scanner.ReadWord();
                if (scanner.Position == start)
                {
                    scanner.Position++;
                    word = text[start..scanner.Position];
                }

                token = word.Length == 0
                    ? new(LintTokenKind.Text, text[start..scanner.Position], at + start, depth)
                    : new(LintTokenKind.Word, word, at + start, depth);
            }
            else if (char.IsAsciiDigit(c))
            {
                while (scanner.Position < text.Length && (char.IsAsciiLetterOrDigit(text[scanner.Position]) || text[scanner.Position] == '.'))
                {
                    scanner.Position++;
                }

                token = new(LintTokenKind.Number, text[start..scanner.Position], at + start, depth);
            }
            else if (c is '"' or '`' or '[' && (c == '"' || dialect.BracketAndBacktickIdentifiers))
            {
                scanner.SkipToken();
                var inner = text[(start + 1)..(scanner.Position - 1)];
                token = new(LintTokenKind.QuotedName, c == '"' ? inner.Replace("\"\"", "\"") : inner, at + start, depth);
            }
            else if (c is '\'' or '$')
            {
                scanner.SkipToken();
                var kind = c == '$' && scanner.Position == start + 1 ? LintTokenKind.Symbol : LintTokenKind.Text;
                token = new(kind, text[start..scanner.Position], at + start, depth);
            }
            else if (c == ':' && start + 1 < text.Length && text[start + 1] == ':')
            {
                scanner.Position += 2;
                token = new(LintTokenKind.Symbol, "::", at + start, depth);
            }
            else
            {
                scanner.Position++;
                if (c == ')')
                {
                    depth = Math.Max(0, depth - 1);
                }

                token = new(LintTokenKind.Symbol, Symbols[c & 127], at + start, depth);
                if (c == '(')
                {
                    depth++;
                }
            }

            tokens.Add(token);
        }

        return tokens;
    }
}
