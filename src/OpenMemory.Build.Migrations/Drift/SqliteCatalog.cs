using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Lint;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Drift;

/// <summary>
/// Reads a SQLite database's objects: columns, keys and foreign keys from the pragmas, CHECK constraints from the
/// stored CREATE TABLE read with the engine's scanner, indexes, views and triggers from their stored SQL.
/// </summary>
internal static class SqliteCatalog
{
    public static IReadOnlyList<SchemaObject> Read(SqliteConnection connection, IReadOnlySet<string> excludedTables)
    {
        var objects = new List<SchemaObject>();
        var master = new List<(string Type, string Name, string Table, string? Sql)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name, tbl_name, sql FROM main.sqlite_master WHERE name NOT LIKE 'sqlite_%'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                master.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        foreach (var (type, name, table, sql) in master.Where(m => !excludedTables.Contains(m.Table)))
        {
            switch (type)
            {
                case "table":
                    objects.Add(new(SchemaKinds.Table, name, null, "a table"));
                    Columns(connection, name, objects);
                    Constraints(connection, name, sql ?? "", objects);
                    break;
                case "index" when sql is not null:
                    objects.Add(new(SchemaKinds.Index, name, table, SqlText.CollapseWhitespace(sql)));
                    break;
                case "view":
                    objects.Add(new(SchemaKinds.View, name, null, SqlText.CollapseWhitespace(sql ?? "")));
                    break;
                case "trigger":
                    objects.Add(new(SchemaKinds.Trigger, $"{table}.{name}", table, SqlText.CollapseWhitespace(sql ?? "")));
                    break;
            }
        }

        return objects;
    }

    private static void Columns(SqliteConnection connection, string table, List<SchemaObject> objects)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, type, \"notnull\", dflt_value, hidden FROM pragma_table_xinfo($table)";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var definition = (reader.GetString(1).Length == 0 ? "(no type)" : reader.GetString(1)) + (reader.GetInt64(2) == 1 ? " NOT NULL" : " NULL");
            if (!reader.IsDBNull(3))
            {
                definition += $" DEFAULT {reader.GetString(3)}";
            }

            definition += reader.GetInt64(4) switch { 2 => " GENERATED VIRTUAL", 3 => " GENERATED STORED", _ => "" };
            objects.Add(new(SchemaKinds.Column, $"{table}.{reader.GetString(0)}", table, definition));
        }
    }

    private static void Constraints(SqliteConnection connection, string table, string createSql, List<SchemaObject> objects)
    {
        var key = Rows(connection, "SELECT name FROM pragma_table_info($table) WHERE pk > 0 ORDER BY pk", table, r => r.GetString(0));
        if (key.Count > 0)
        {
            objects.Add(new(SchemaKinds.Constraint, $"{table}.primary key", table, $"PRIMARY KEY ({string.Join(", ", key)})"));
        }

        foreach (var unique in Rows(connection, "SELECT name FROM pragma_index_list($table) WHERE origin = 'u'", table, r => r.GetString(0)))
        {
            var columns = Rows(connection, "SELECT name FROM pragma_index_info($index) ORDER BY seqno", unique, r => r.GetString(0), "$index");
            objects.Add(new(SchemaKinds.Constraint, $"{table}.unique ({string.Join(", ", columns)})", table, $"UNIQUE ({string.Join(", ", columns)})"));
        }

        var foreignKeys = Rows(connection, "SELECT id, \"table\", \"from\", coalesce(\"to\", ''), on_update, on_delete FROM pragma_foreign_key_list($table) ORDER BY id, seq", table,
            r => (Id: r.GetInt64(0), Parent: r.GetString(1), From: r.GetString(2), To: r.GetString(3), OnUpdate: r.GetString(4), OnDelete: r.GetString(5)));
        foreach (var group in foreignKeys.GroupBy(f => f.Id))
        {
            var first = group.First();
            var from = string.Join(", ", group.Select(f => f.From));
            var definition = $"FOREIGN KEY ({from}) REFERENCES {first.Parent} ({string.Join(", ", group.Select(f => f.To))}) ON UPDATE {first.OnUpdate} ON DELETE {first.OnDelete}";
            objects.Add(new(SchemaKinds.Constraint, $"{table}.foreign key ({from})", table, definition));
        }

        foreach (var check in Checks(createSql))
        {
            objects.Add(new(SchemaKinds.Constraint, $"{table}.check {check}", table, $"CHECK {check}"));
        }
    }

    // SQLite keeps CHECK constraints only in the CREATE TABLE text; each is read with the scanner, so a parenthesis in a string is not a boundary.
    private static IEnumerable<string> Checks(string createSql)
    {
        var statement = new SqlStatement(createSql, 0);
        var tokens = LintTokenizer.Tokenize(statement, SqlDialect.Sqlite);
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (!tokens[i].Is("CHECK") || !tokens[i + 1].IsSymbol("("))
            {
                continue;
            }

            var depth = tokens[i + 1].Depth;
            var end = i + 2;
            while (end < tokens.Count && !(tokens[end].IsSymbol(")") && tokens[end].Depth == depth))
            {
                end++;
            }

            var close = end < tokens.Count ? tokens[end].Offset + 1 : createSql.Length;
            yield return SqlText.CollapseWhitespace(createSql[tokens[i + 1].Offset..close]);
            i = end;
        }
    }

    private static List<T> Rows<T>(SqliteConnection connection, string sql, string value, Func<SqliteDataReader, T> read, string parameter = "$table")
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue(parameter, value);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
