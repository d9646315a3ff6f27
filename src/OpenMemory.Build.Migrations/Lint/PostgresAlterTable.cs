namespace OpenMemory.Build.Migrations.Lint;

/// <summary>The PostgreSQL rules for <c>ALTER TABLE</c> and each of its comma-separated actions.</summary>
internal static class PostgresAlterTable
{
    public static void Check(LintContext context, StatementReader statement, LintToken alter)
    {
        statement.Accept("IF", "EXISTS");
        statement.Accept("ONLY");
        if (statement.ReadName() is not { } table)
        {
            return;
        }

        statement.AcceptSymbol("*");
        var existing = context.IsExisting(table);
        if (existing)
        {
            context.LocksExistingTable(alter);
        }

        if (statement.Current is { } rename && statement.Accept("RENAME"))
        {
            Rename(context, statement, table, rename, existing);
            return;
        }

        foreach (var action in statement.SplitAt(alter.Depth))
        {
            if (action.Current is not { } first)
            {
                continue;
            }

            if (action.Accept("ADD"))
            {
                Add(context, action, table, first, existing);
            }
            else if (action.Accept("ALTER"))
            {
                action.Accept("COLUMN");
                if (action.ReadName() is { } column)
                {
                    AlterColumn(context, action, table, column, first, existing);
                }
            }
            else if (action.Accept("DROP"))
            {
                if (action.Accept("CONSTRAINT"))
                {
                    continue;
                }

                action.Accept("COLUMN");
                action.Accept("IF", "EXISTS");
                if (action.ReadName() is { } column)
                {
                    if (existing)
                    {
                        context.Report(LintRules.Drop, first, $"DROP COLUMN {table}.{column}");
                    }

                    context.Facts.DropColumn(table, column);
                }
            }
            else if (action.Accept("VALIDATE", "CONSTRAINT") && action.ReadName() is { } constraint)
            {
                context.Facts.Validate(constraint);
            }
        }
    }

    private static void Rename(LintContext context, StatementReader statement, string table, LintToken rename, bool existing)
    {
        if (statement.Accept("CONSTRAINT"))
        {
            return;
        }

        if (statement.Accept("TO"))
        {
            if (statement.ReadName() is { } to)
            {
                if (existing)
                {
                    context.Report(LintRules.Rename, rename, $"Table {table} is renamed to {to}");
                }

                context.Renamed(table, to);
            }

            return;
        }

        statement.Accept("COLUMN");
        if (statement.ReadName() is { } from && statement.Accept("TO") && statement.ReadName() is { } column)
        {
            if (existing)
            {
                context.Report(LintRules.Rename, rename, $"Column {table}.{from} is renamed to {column}");
            }

            context.Facts.RenameColumn(table, from, column);
        }
    }

    private static void Add(LintContext context, StatementReader action, string table, LintToken add, bool existing)
    {
        if (TableDefinition.StartsTableConstraint(action))
        {
            var named = action.Peek("CONSTRAINT");
            var constraint = new StatementReader(action.Tokens, action.Index, action.End);
            if (named)
            {
                constraint.Accept("CONSTRAINT");
                constraint.ReadName();
            }

            if (existing)
            {
                var kind = constraint.Current?.Text.ToUpperInvariant();
                if (kind is "PRIMARY" or "UNIQUE" && !constraint.HasAhead("USING", "INDEX"))
                {
                    context.Report(LintRules.ConstraintBuildsIndex, add, $"{(kind == "PRIMARY" ? "PRIMARY KEY" : "UNIQUE")} constraint added to existing table {table} without USING INDEX");
                }
                else if (kind is "FOREIGN" or "CHECK" && !constraint.HasAhead("NOT", "VALID"))
                {
                    context.Report(LintRules.ConstraintWithoutNotValid, add, $"{(kind == "FOREIGN" ? "Foreign key" : "Check constraint")} added to existing table {table} without NOT VALID");
                }
            }

            TableDefinition.ReadConstraint(table, action, context.Facts, validated: true);
            return;
        }

        action.Accept("COLUMN");
        action.Accept("IF", "NOT", "EXISTS");
        if (action.ReadName() is not { } column)
        {
            return;
        }

        var type = TableDefinition.ReadType(action);
        context.Facts.SetColumnType(table, column, type);
        TableDefinition.ReadColumnConstraints(table, column, action, context.Facts);
        if (!existing)
        {
            return;
        }

        var defaultValue = action.After("DEFAULT");
        var generated = action.FindAhead("GENERATED");
        if (PostgresTypes.IsSerial(type) || generated is not null)
        {
            context.Report(LintRules.VolatileDefault, add, $"Column {table}.{column} is added as {(generated is null ? type : "a generated or identity column")}");
        }
        else if (defaultValue is not null && VolatileCall(defaultValue) is { } call)
        {
            context.Report(LintRules.VolatileDefault, add, $"Column {table}.{column} is added with DEFAULT {call}(), which is volatile{(PostgresTypes.KnownVolatile.Contains(call) ? "" : " unless the function is declared STABLE or IMMUTABLE")}");
        }
        else if (action.FindAhead("NOT", "NULL") is { } notNull && defaultValue is null)
        {
            context.Report(LintRules.RequiredColumn, notNull, $"Column {table}.{column} is added NOT NULL without a default");
        }

        if (action.FindAhead("PRIMARY", "KEY") is { } key)
        {
            context.Report(LintRules.ConstraintBuildsIndex, key, $"Column {table}.{column} is added as PRIMARY KEY");
        }
        else if (action.FindAhead("UNIQUE") is { } unique)
        {
            context.Report(LintRules.ConstraintBuildsIndex, unique, $"Column {table}.{column} is added UNIQUE");
        }
    }

    private static void AlterColumn(LintContext context, StatementReader action, string table, string column, LintToken alter, bool existing)
    {
        if (action.Accept("SET", "DATA", "TYPE") || action.Accept("TYPE"))
        {
            var type = TableDefinition.ReadType(action);
            var before = context.Facts.ColumnType(table, column);
            if (existing && (action.HasAhead("USING") || !PostgresTypes.IsBinaryCompatible(before, type)))
            {
                context.Report(LintRules.TypeRewrite, alter, $"Column {table}.{column} changes type {(before is null ? "" : $"from {before} ")}to {type}");
            }

            context.Facts.SetColumnType(table, column, type);
        }
        else if (action.Accept("SET", "NOT", "NULL"))
        {
            if (existing && !context.Facts.HasNotNullCheck(table, column))
            {
                context.Report(LintRules.SetNotNull, alter, $"SET NOT NULL on {table}.{column} without a validated CHECK ({column} IS NOT NULL)");
            }

            context.Facts.AddNotNullCheck(null, table, column, validated: true);
        }
        else if (action.Accept("DROP", "NOT", "NULL"))
        {
            context.Facts.DropNotNull(table, column);
        }
    }

    // The first function call in a default that is not known to be STABLE or IMMUTABLE.
    private static string? VolatileCall(StatementReader expression)
    {
        var tokens = expression.Rest().ToList();
        var depth = expression.Current?.Depth ?? 0;
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Depth == depth && tokens[i].Kind == LintTokenKind.Word
                && (tokens[i].Is("NOT") || tokens[i].Is("NULL") || tokens[i].Is("CONSTRAINT") || tokens[i].Is("CHECK") || tokens[i].Is("REFERENCES")))
            {
                break;
            }

            if (tokens[i].Kind == LintTokenKind.Word && tokens[i + 1].IsSymbol("(")
                && (i == 0 || !tokens[i - 1].IsSymbol("::")) && !PostgresTypes.KnownStable.Contains(tokens[i].Text))
            {
                return tokens[i].Text.ToLowerInvariant();
            }
        }

        return null;
    }
}
