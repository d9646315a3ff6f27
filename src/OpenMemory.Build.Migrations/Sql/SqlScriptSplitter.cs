namespace OpenMemory.Build.Migrations.Sql;

/// <summary>
/// Splits a script into statements at semicolons that stand outside strings, quoted identifiers, comments,
/// dollar-quoted bodies, parentheses and BEGIN ATOMIC bodies (PostgreSQL) and trigger bodies (SQLite). pg_dump's
/// <c>\restrict</c> and <c>\unrestrict</c> lines are skipped: they only guard psql itself. Any other psql
/// backslash command is refused: the tool runs SQL, not psql scripts.
/// </summary>
internal static partial class SqlScriptSplitter
{
    /// <summary>Whether the text is only whitespace and comments (a text the splitter cannot read is not).</summary>
    public static bool HasNoStatements(string sql)
    {
        var scanner = new Scanner(sql, SqlDialect.Postgres);
        while (scanner.Position < sql.Length)
        {
            if (char.IsWhiteSpace(sql[scanner.Position]))
            {
                scanner.Position++;
            }
            else if (!scanner.TrySkipComment())
            {
                return false;
            }
        }

        return true;
    }

    public static IReadOnlyList<SqlStatement> Split(string sql, SqlDialect dialect)
    {
        var statements = new List<SqlStatement>();
        var scanner = new Scanner(sql, dialect);
        var start = -1;
        var block = new BlockTracker(dialect);
        var parentheses = 0;
        while (scanner.Position < sql.Length)
        {
            var c = sql[scanner.Position];
            if (char.IsWhiteSpace(c))
            {
                scanner.Position++;
                continue;
            }

            if (scanner.TrySkipComment())
            {
                continue;
            }

            if (c == '\\' && dialect.PsqlMetaCommands && start < 0)
            {
                SkipMetaCommand(sql, scanner);
                continue;
            }

            if (dialect.ParenthesesHoldStatements && c is '(' or ')')
            {
                parentheses = Math.Max(0, parentheses + (c == '(' ? 1 : -1));
            }

            if (c == ';' && !block.Open && parentheses == 0)
            {
                if (start >= 0)
                {
                    var statement = SqlStatement.Slice(sql, start, sql.AsSpan(start, scanner.Position - start).TrimEnd().Length);
                    if (dialect.PsqlMetaCommands && CopyFromStdin().IsMatch(statement.Span))
                    {
                        statement = ReadCopyData(sql, scanner, statement);
                    }

                    statements.Add(statement);
                }

                start = -1;
                parentheses = 0;
                block = new BlockTracker(dialect);
                scanner.Position++;
                continue;
            }

            if (start < 0)
            {
                start = scanner.Position;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                block.See(scanner.ReadWordSpan());
                continue;
            }

            scanner.SkipToken();
        }

        if (start >= 0)
        {
            statements.Add(SqlStatement.Slice(sql, start, sql.AsSpan(start).TrimEnd().Length));
        }

        return statements;
    }

    /// <summary>psql's rule: the rows start on the line after the statement and end at a line that is just <c>\.</c>.</summary>
    private static SqlStatement ReadCopyData(string sql, Scanner scanner, SqlStatement statement)
    {
        var lineEnd = sql.IndexOf('\n', scanner.Position);
        var dataStart = lineEnd < 0 ? sql.Length : lineEnd + 1;
        // A vectorized search for lines that start with "\." (the line before the rows ends in '\n'): the rows of a
        // large dump are never looked at one by one.
        for (var found = sql.IndexOf("\n\\.", Math.Max(dataStart - 1, 0), StringComparison.Ordinal); found >= 0;
             found = sql.IndexOf("\n\\.", found + 1, StringComparison.Ordinal))
        {
            var after = found + 3;
            var end = sql.IndexOf('\n', after);
            if (sql.AsSpan(after, (end < 0 ? sql.Length : end) - after).TrimEnd('\r').IsEmpty)
            {
                // Continue after the terminator line; the ';' itself is consumed by the caller.
                scanner.Position = (end < 0 ? sql.Length : end) - 1;
                return statement.WithCopyData(sql.AsMemory(dataStart, found + 1 - dataStart), dataStart);
            }
        }

        throw new UnterminatedSqlException(statement.Offset, @"the inline data of a COPY ... FROM stdin (it needs a line '\.' at its end)");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^COPY\b.*\bFROM\s+STDIN\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex CopyFromStdin();

    private static void SkipMetaCommand(string sql, Scanner scanner)
    {
        var end = sql.IndexOf('\n', scanner.Position);
        end = end < 0 ? sql.Length : end;
        var command = sql[scanner.Position..end].Trim().Split(' ', '\t')[0];
        if (command is not (@"\restrict" or @"\unrestrict"))
        {
            throw new PsqlMetaCommandException(scanner.Position, command);
        }

        scanner.Position = end;
    }

    /// <summary>Follows the words of one statement to know when a semicolon belongs to a body rather than ending it.</summary>
    private sealed class BlockTracker(SqlDialect dialect)
    {
        private readonly List<string> _leading = new(4);
        private bool _previousIsBegin;
        private bool _isTrigger;
        private bool _inBody;
        private bool _done;
        private int _caseDepth;

        public bool Open => _inBody && !_done;

        // Called for every word of every statement: compares in place, allocating only for a statement's first words.
        public void See(ReadOnlySpan<char> word)
        {
            if (_leading.Count < 5)
            {
                _leading.Add(word.ToString().ToUpperInvariant());
                _isTrigger = dialect.TriggerBodies && IsCreateTrigger(_leading);
            }

            var isBegin = word.Equals("BEGIN", StringComparison.OrdinalIgnoreCase);
            if (!_inBody)
            {
                if ((_isTrigger && isBegin) || (!dialect.TriggerBodies && _previousIsBegin && word.Equals("ATOMIC", StringComparison.OrdinalIgnoreCase)))
                {
                    _inBody = true;
                }
            }
            else if (!_done)
            {
                if (word.Equals("CASE", StringComparison.OrdinalIgnoreCase))
                {
                    _caseDepth++;
                }
                else if (word.Equals("END", StringComparison.OrdinalIgnoreCase))
                {
                    if (_caseDepth > 0)
                    {
                        _caseDepth--;
                    }
                    else
                    {
                        _done = true;
                    }
                }
            }

            _previousIsBegin = isBegin;
        }

        private static bool IsCreateTrigger(List<string> words)
        {
            if (words.Count < 2 || words[0] != "CREATE")
            {
                return false;
            }

            var index = words[1] is "TEMP" or "TEMPORARY" ? 2 : 1;
            return words.Count > index && words[index] == "TRIGGER";
        }
    }
}
