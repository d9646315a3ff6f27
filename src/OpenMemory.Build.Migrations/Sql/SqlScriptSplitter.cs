using System.Runtime.CompilerServices;

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

    // Keyed by the text itself: ValidateMigrations and MigrateDatabase of one build share each file's decoded text
    // (MigrationFileCache), so the second task, and every target of a fan-out, reuses the first split.
    private static readonly ConditionalWeakTable<string, IReadOnlyList<SqlStatement>> SqliteSplits = new();
    private static readonly ConditionalWeakTable<string, IReadOnlyList<SqlStatement>> PostgresSplits = new();

    public static IReadOnlyList<SqlStatement> Split(string sql, SqlDialect dialect)
    {
        var cache = ReferenceEquals(dialect, SqlDialect.Sqlite) ? SqliteSplits : ReferenceEquals(dialect, SqlDialect.Postgres) ? PostgresSplits : null;
        if (cache is null)
        {
            return SplitUncached(sql, dialect);
        }

        if (!cache.TryGetValue(sql, out var statements))
        {
            statements = SplitUncached(sql, dialect);
            cache.AddOrUpdate(sql, statements);
        }

        return statements;
    }

    private static List<SqlStatement> SplitUncached(string sql, SqlDialect dialect)
    {
        // At most one statement per semicolon, plus a last one without: the list never grows by copying.
        var statements = new List<SqlStatement>(sql.AsSpan().Count(';') + 1);
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

    /// <summary>
    /// Follows the words of one statement to know when a semicolon belongs to a body rather than ending it. A struct
    /// that compares words in place: it sees every word of every statement, and a data migration has millions.
    /// </summary>
    private struct BlockTracker(SqlDialect dialect)
    {
        private int _words;
        private bool _startsWithCreate;
        private bool _isTemporary;
        private bool _isTrigger;
        private bool _previousIsBegin;
        private bool _inBody;
        private bool _done;
        private int _caseDepth;

        public readonly bool Open => _inBody && !_done;

        public void See(ReadOnlySpan<char> word)
        {
            if (dialect.TriggerBodies && _words < 3)
            {
                SeeLeadingWord(word);
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

        // CREATE [TEMP | TEMPORARY] TRIGGER
        private void SeeLeadingWord(ReadOnlySpan<char> word)
        {
            switch (_words++)
            {
                case 0:
                    _startsWithCreate = word.Equals("CREATE", StringComparison.OrdinalIgnoreCase);
                    break;
                case 1 when _startsWithCreate:
                    _isTrigger = word.Equals("TRIGGER", StringComparison.OrdinalIgnoreCase);
                    _isTemporary = word.Equals("TEMP", StringComparison.OrdinalIgnoreCase) || word.Equals("TEMPORARY", StringComparison.OrdinalIgnoreCase);
                    break;
                case 2 when _isTemporary:
                    _isTrigger = word.Equals("TRIGGER", StringComparison.OrdinalIgnoreCase);
                    break;
            }
        }
    }
}
