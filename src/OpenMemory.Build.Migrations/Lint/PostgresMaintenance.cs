namespace OpenMemory.Build.Migrations.Lint;

/// <summary>PostgreSQL statements that are not table DDL but lock or refuse a transaction: REINDEX, VACUUM, CLUSTER, LOCK.</summary>
internal static class PostgresMaintenance
{
    public static void Check(LintContext context, StatementReader statement, LintToken first)
    {
        var inTransaction = !context.Script.NoTransaction;
        switch (first.Text.ToUpperInvariant())
        {
            case "REINDEX":
                statement.Accept("REINDEX");
                statement.SkipParenthesized();
                _ = statement.Accept("INDEX") || statement.Accept("TABLE") || statement.Accept("SCHEMA") || statement.Accept("DATABASE") || statement.Accept("SYSTEM");
                if (statement.Current is { } concurrently && statement.Accept("CONCURRENTLY"))
                {
                    if (inTransaction)
                    {
                        context.Report(LintRules.NoTransactionStatementInTransaction, concurrently, "REINDEX CONCURRENTLY in a migration that runs in a transaction");
                    }
                }
                else
                {
                    context.Report(LintRules.ReindexWithoutConcurrently, first, "REINDEX without CONCURRENTLY");
                }

                break;
            case "VACUUM":
                statement.Accept("VACUUM");
                var full = statement.Peek("FULL") || (statement.Inside() is { } options && options.HasAhead("FULL"));
                if (full)
                {
                    context.Report(LintRules.ExclusiveLock, first, "VACUUM FULL");
                }

                if (inTransaction)
                {
                    context.Report(LintRules.NoTransactionStatementInTransaction, first, "VACUUM in a migration that runs in a transaction");
                }

                break;
            case "CLUSTER":
                context.Report(LintRules.ExclusiveLock, first, "CLUSTER");
                break;
            case "LOCK":
                context.Report(LintRules.ExclusiveLock, first, "LOCK TABLE");
                break;
            case "CREATE" or "ALTER" or "DROP" when inTransaction
                && (statement.Peek("CREATE", "DATABASE") || statement.Peek("ALTER", "SYSTEM") || statement.Peek(first.Text, "TABLESPACE")):
                context.Report(LintRules.NoTransactionStatementInTransaction, first, $"{first.Text.ToUpperInvariant()} {statement.Tokens[statement.Index + 1].Text.ToUpperInvariant()} in a migration that runs in a transaction");
                break;
        }
    }
}
