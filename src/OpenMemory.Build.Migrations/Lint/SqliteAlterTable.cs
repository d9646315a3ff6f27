namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// The SQLite rules for <c>ALTER TABLE</c>: SQLite has one action per statement, and only RENAME, RENAME COLUMN,
/// ADD COLUMN and DROP COLUMN, each with limits of its own.
/// </summary>
internal static class SqliteAlterTable
{
    public static void Check(LintContext context, StatementReader statement, LintToken alter)
    {
        if (statement.ReadName() is not { } table)
        {
            return;
        }

        var existing = context.IsExisting(table);
        if (statement.Current is not { } action)
        {
            return;
        }

        if (statement.Accept("RENAME"))
        {
            if (statement.Accept("TO"))
            {
                if (statement.ReadName() is { } to)
                {
                    context.Renamed(table, to);
                }

                return;
            }

            statement.Accept("COLUMN");
            if (statement.ReadName() is { } from && statement.Accept("TO") && statement.ReadName() is { } column)
            {
                context.Report(LintRules.SqliteAlterRefused, action, $"ALTER TABLE {table} RENAME COLUMN needs SQLite 3.25.0 (2018) or later");
                context.Facts.RenameColumn(table, from, column);
            }

            return;
        }

        if (statement.Accept("ADD"))
        {
            if (TableDefinition.StartsTableConstraint(statement))
            {
                context.Report(LintRules.SqliteAlterRefused, action, $"ALTER TABLE {table} ADD {statement.Current!.Value.Text.ToUpperInvariant()}: SQLite cannot add a constraint to a table");
                return;
            }

            statement.Accept("COLUMN");
            if (statement.ReadName() is { } column)
            {
                AddColumn(context, statement, table, column, action, existing);
            }

            return;
        }

        if (statement.Accept("DROP"))
        {
            statement.Accept("COLUMN");
            if (statement.ReadName() is not { } column)
            {
                return;
            }

            if (context.Facts.IsKeyColumn(table, column))
            {
                context.Report(LintRules.SqliteDropIndexedColumn, action, $"Column {table}.{column} is indexed, a key, or used by a foreign key");
            }
            else
            {
                context.Report(LintRules.SqliteAlterRefused, action, $"ALTER TABLE {table} DROP COLUMN needs SQLite 3.35.0 (2021) or later");
            }

            if (existing)
            {
                context.Report(LintRules.Drop, action, $"DROP COLUMN {table}.{column}");
            }

            context.Facts.DropColumn(table, column);
            return;
        }

        context.Report(LintRules.SqliteAlterRefused, action, $"ALTER TABLE {table} {action.Text.ToUpperInvariant()}: SQLite has no such ALTER TABLE form");
    }

    private static void AddColumn(LintContext context, StatementReader statement, string table, string column, LintToken add, bool existing)
    {
        var type = TableDefinition.ReadType(statement);
        context.Facts.SetColumnType(table, column, type);
        TableDefinition.ReadColumnConstraints(table, column, statement, context.Facts);

        var defaultValue = statement.After("DEFAULT");
        string? refused = null;
        if (statement.HasAhead("PRIMARY", "KEY") || statement.HasAhead("UNIQUE"))
        {
            refused = "a PRIMARY KEY or UNIQUE column";
        }
        else if (statement.FindAhead("GENERATED") is not null && statement.HasAhead("STORED"))
        {
            refused = "a STORED generated column";
        }
        // These two fail only when the table has rows; a table this migration created is empty.
        else if (existing && statement.HasAhead("NOT", "NULL") && (defaultValue is null || defaultValue.Current?.Is("NULL") == true) && statement.FindAhead("GENERATED") is null)
        {
            refused = "a NOT NULL column without a non-NULL default";
        }
        else if (existing && defaultValue?.Current is { } value
                 && (value.Is("CURRENT_TIMESTAMP") || value.Is("CURRENT_TIME") || value.Is("CURRENT_DATE") || CallsFunction(defaultValue)))
        {
            refused = "a column with a non-constant default";
        }

        if (refused is not null)
        {
            context.Report(LintRules.SqliteAlterRefused, add, $"ALTER TABLE {table} ADD COLUMN {column}: SQLite cannot add {refused}");
        }
    }

    // DEFAULT (1) is constant; DEFAULT (abs(-1)) or DEFAULT (datetime('now')) is not.
    private static bool CallsFunction(StatementReader defaultValue)
    {
        if (defaultValue.Current?.IsSymbol("(") != true)
        {
            return false;
        }

        var inner = defaultValue.Inside()!.Rest().ToList();
        return inner.Zip(inner.Skip(1)).Any(pair => pair.First.Kind == LintTokenKind.Word && pair.Second.IsSymbol("("));
    }
}
