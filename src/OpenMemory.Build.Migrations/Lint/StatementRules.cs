using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Runner;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>Recognizes a statement's form and hands it to the rules of the active provider.</summary>
internal static class StatementRules
{
    private static readonly HashSet<string> Forms = new(StringComparer.OrdinalIgnoreCase)
    {
        "CREATE", "ALTER", "DROP", "SET", "PRAGMA", "REINDEX", "VACUUM", "CLUSTER", "LOCK",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FormLookup = Forms.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// Whether any rule reads this statement: data statements (INSERT, UPDATE, COPY, ...) are not tokenized, so a
    /// 5 MB data migration costs lint a glance at each statement's first word, and no string.
    /// </summary>
    public static bool MayMatter(SqlStatement statement)
    {
        var keyword = statement.FirstWord;
        return FormLookup.Contains(keyword) || MigrationPreparer.IsTransactionKeyword(keyword)
            || (keyword.Equals("SELECT", StringComparison.OrdinalIgnoreCase) && statement.Span.Contains("lock_timeout", StringComparison.OrdinalIgnoreCase));
    }

    public static void Check(LintContext context, StatementReader statement, string provider)
    {
        if (statement.Current is not { Kind: LintTokenKind.Word } first)
        {
            return;
        }

        var postgres = provider == ProviderTags.Postgres;
        var keyword = first.Text.ToUpperInvariant();
        if (MigrationPreparer.IsTransactionKeyword(keyword) && !context.Script.NoTransaction
            && !(keyword == "START" && !statement.Peek("START", "TRANSACTION")))
        {
            context.Report(LintRules.TransactionControl, first, $"{keyword} in a migration that runs in a transaction");
            return;
        }

        switch (keyword)
        {
            case "CREATE":
                Create(context, statement, postgres);
                break;
            case "ALTER" when statement.Peek("ALTER", "TABLE"):
                statement.Accept("ALTER", "TABLE");
                if (postgres)
                {
                    PostgresAlterTable.Check(context, statement, first);
                }
                else
                {
                    SqliteAlterTable.Check(context, statement, first);
                }

                break;
            case "DROP":
                Drop(context, statement, first, postgres);
                break;
            case "SET" or "SELECT" or "PRAGMA":
                Setting(context, statement, postgres);
                break;
            default:
                if (postgres)
                {
                    PostgresMaintenance.Check(context, statement, first);
                }

                break;
        }
    }

    private static void Create(LintContext context, StatementReader statement, bool postgres)
    {
        var create = statement.Current!.Value;
        if (postgres && (statement.Peek("CREATE", "DATABASE") || statement.Peek("CREATE", "TABLESPACE")))
        {
            PostgresMaintenance.Check(context, statement, create);
            return;
        }

        statement.Accept("CREATE");
        statement.Accept("OR", "REPLACE");
        _ = statement.Accept("GLOBAL") || statement.Accept("LOCAL");
        _ = statement.Accept("TEMP") || statement.Accept("TEMPORARY") || statement.Accept("UNLOGGED");
        if (statement.Accept("TABLE"))
        {
            statement.Accept("IF", "NOT", "EXISTS");
            if (statement.ReadName() is { } table)
            {
                context.Created(table);
                if (statement.Inside() is { } body)
                {
                    TableDefinition.Read(table, body, context.Facts);
                }
            }

            return;
        }

        statement.Accept("UNIQUE");
        if (!statement.Accept("INDEX"))
        {
            return;
        }

        var concurrently = statement.Current;
        var isConcurrent = statement.Accept("CONCURRENTLY");
        statement.Accept("IF", "NOT", "EXISTS");
        var indexName = statement.Peek("ON") ? null : statement.ReadName();

        statement.Accept("ON");
        statement.Accept("ONLY");
        if (statement.ReadName() is not { } indexed)
        {
            return;
        }

        if (statement.Accept("USING"))
        {
            statement.ReadName();
        }

        context.Facts.AddIndex(indexName, indexed, statement.ReadNameList());
        if (!postgres)
        {
            return;
        }

        if (isConcurrent)
        {
            if (!context.Script.NoTransaction)
            {
                context.Report(LintRules.NoTransactionStatementInTransaction, concurrently!.Value, "CREATE INDEX CONCURRENTLY in a migration that runs in a transaction");
            }
        }
        else if (context.IsExisting(indexed))
        {
            context.Report(LintRules.IndexWithoutConcurrently, create, $"CREATE INDEX on existing table {indexed} without CONCURRENTLY");
            context.LocksExistingTable(create);
        }
    }

    private static void Drop(LintContext context, StatementReader statement, LintToken drop, bool postgres)
    {
        statement.Accept("DROP");
        if (statement.Accept("TABLE"))
        {
            statement.Accept("IF", "EXISTS");
            foreach (var part in statement.SplitAt(drop.Depth))
            {
                if (part.ReadName() is { } table)
                {
                    if (postgres && context.IsExisting(table))
                    {
                        context.LocksExistingTable(drop);
                    }

                    context.Dropped(table, drop);
                }
            }

            return;
        }

        if (statement.Accept("INDEX"))
        {
            var concurrently = statement.Current;
            if (statement.Accept("CONCURRENTLY") && postgres && !context.Script.NoTransaction)
            {
                context.Report(LintRules.NoTransactionStatementInTransaction, concurrently!.Value, "DROP INDEX CONCURRENTLY in a migration that runs in a transaction");
            }

            statement.Accept("IF", "EXISTS");
            foreach (var part in statement.SplitAt(drop.Depth))
            {
                if (part.ReadName() is { } index)
                {
                    context.Facts.DropIndex(index);
                }
            }
        }
        else if (postgres && (statement.Peek("DATABASE") || statement.Peek("TABLESPACE")) && !context.Script.NoTransaction)
        {
            context.Report(LintRules.NoTransactionStatementInTransaction, drop, $"DROP {statement.Current!.Value.Text.ToUpperInvariant()} in a migration that runs in a transaction");
        }
    }

    // SET lock_timeout, SELECT set_config('lock_timeout', ...), PRAGMA foreign_keys = ON.
    private static void Setting(LintContext context, StatementReader statement, bool postgres)
    {
        if (postgres)
        {
            var tokens = statement.Rest().ToList();
            if (tokens.Any(t => t.Is("lock_timeout") || t.Kind == Lint.LintTokenKind.Text && t.Text.Contains("lock_timeout", StringComparison.OrdinalIgnoreCase)))
            {
                context.LockTimeoutSet = true;
            }

            return;
        }

        if (statement.Accept("PRAGMA") && statement.Accept("foreign_keys") && statement.AcceptSymbol("=") && context.Script.NoTransaction)
        {
            var value = statement.Current?.Text.Trim('\'', '"').ToUpperInvariant();
            context.ForeignKeysTurnedOn = value is "ON" or "1" or "TRUE" or "YES";
        }
    }
}
