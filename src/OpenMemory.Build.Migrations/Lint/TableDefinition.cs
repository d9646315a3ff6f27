namespace OpenMemory.Build.Migrations.Lint;

/// <summary>Reads the parts of column and constraint definitions the rules need, for CREATE TABLE and ADD COLUMN.</summary>
internal static class TableDefinition
{
    private static readonly HashSet<string> ColumnConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "CONSTRAINT", "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "GENERATED", "COLLATE", "AS", "ON", "AUTOINCREMENT",
    };

    private static readonly HashSet<string> TableConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE", "LIKE",
    };

    public static bool StartsTableConstraint(StatementReader element) =>
        element.Current is { Kind: LintTokenKind.Word } token && TableConstraintWords.Contains(token.Text);

    /// <summary>The column's type as written, lower-cased with single spaces ("varchar(64)", "timestamp with time zone").</summary>
    public static string ReadType(StatementReader column)
    {
        var depth = column.Current?.Depth ?? 0;
        var start = column.Index;
        while (column.Current is { } token && !(token.Depth == depth && token.Kind == LintTokenKind.Word && ColumnConstraintWords.Contains(token.Text)))
        {
            column.Index++;
        }

        if (column.Index - start == 1)
        {
            // Most types are one word: no list, join or clean-up for them.
            return Part(column.Tokens[start]);
        }

        var parts = new List<string>(column.Index - start);
        for (var i = start; i < column.Index; i++)
        {
            parts.Add(Part(column.Tokens[i]));
        }

        return string.Join(' ', parts).Replace(" (", "(").Replace("( ", "(").Replace(" )", ")").Replace(" ,", ",");

        static string Part(LintToken token) => token.Kind == LintTokenKind.QuotedName ? token.Text : token.Text.ToLowerInvariant();
    }

    /// <summary>Records the columns, keys and references of a CREATE TABLE's body.</summary>
    public static void Read(string table, StatementReader body, SchemaFacts facts)
    {
        var elements = body.SplitAt(body.Current?.Depth ?? 0);
        facts.Reserve(table, elements.Count);
        foreach (var element in elements)
        {
            if (StartsTableConstraint(element))
            {
                ReadConstraint(table, element, facts, validated: true);
                continue;
            }

            var column = element.ReadName();
            if (column is null)
            {
                continue;
            }

            facts.SetColumnType(table, column, ReadType(element));
            ReadColumnConstraints(table, column, element, facts);
        }
    }

    public static void ReadColumnConstraints(string table, string column, StatementReader rest, SchemaFacts facts)
    {
        // A key or NOT NULL column is already NOT NULL: a later SET NOT NULL on it does not scan.
        if (rest.HasAhead("PRIMARY", "KEY") || rest.HasAhead("NOT", "NULL"))
        {
            facts.AddNotNullCheck(null, table, column, validated: true);
        }

        if (rest.HasAhead("PRIMARY") || rest.HasAhead("UNIQUE") || rest.HasAhead("REFERENCES"))
        {
            facts.AddKeyColumns(table, [column]);
        }

        if (rest.After("REFERENCES") is { } reader)
        {
            if (reader.ReadName() is { } parent)
            {
                facts.AddKeyColumns(parent, reader.ReadNameList());
            }
        }
    }

    /// <summary>A table constraint (after an optional CONSTRAINT name): keys, references and NOT NULL checks.</summary>
    public static void ReadConstraint(string table, StatementReader constraint, SchemaFacts facts, bool validated)
    {
        string? name = null;
        if (constraint.Accept("CONSTRAINT"))
        {
            name = constraint.ReadName();
        }

        if (constraint.Accept("PRIMARY", "KEY"))
        {
            var columns = constraint.ReadNameList();
            facts.AddKeyColumns(table, columns);
            foreach (var column in columns)
            {
                facts.AddNotNullCheck(null, table, column, validated: true);
            }
        }
        else if (constraint.Accept("UNIQUE"))
        {
            constraint.Accept("NULLS", "NOT", "DISTINCT");
            facts.AddKeyColumns(table, constraint.ReadNameList());
        }
        else if (constraint.Accept("FOREIGN", "KEY"))
        {
            facts.AddKeyColumns(table, constraint.ReadNameList());
            if (constraint.Accept("REFERENCES") && constraint.ReadName() is { } parent)
            {
                facts.AddKeyColumns(parent, constraint.ReadNameList());
            }
        }
        else if (constraint.Accept("CHECK") && constraint.Inside() is { } check)
        {
            // CHECK (column IS NOT NULL), the form that lets SET NOT NULL skip its scan.
            if (check.ReadName() is { } column && check.Accept("IS", "NOT", "NULL") && check.AtEnd)
            {
                facts.AddNotNullCheck(name, table, column, validated && !constraint.HasAhead("NOT", "VALID"));
            }
        }
    }
}
