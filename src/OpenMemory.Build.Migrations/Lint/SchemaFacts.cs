namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// What the migrations read so far say about the schema: column types, the columns that are keys, indexed or
/// referenced, and the NOT NULL checks already validated. Names are unqualified: a rule needs the table, not where it lives.
/// </summary>
internal sealed class SchemaFacts
{
    private readonly Dictionary<string, Dictionary<string, string>> _columnTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _keyColumns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Table, IReadOnlyList<string> Columns)> _indexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _indexesOfTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _notNullChecked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Table, string Column)> _pendingNotNullChecks = new(StringComparer.Ordinal);

    public string? ColumnType(string table, string column) =>
        _columnTypes.TryGetValue(table, out var columns) && columns.TryGetValue(column, out var type) ? type : null;

    public void SetColumnType(string table, string column, string type) => Columns(table)[column] = type;

    public bool IsKeyColumn(string table, string column) =>
        (_keyColumns.TryGetValue(table, out var set) && set.Contains(column))
        || (_indexesOfTable.TryGetValue(table, out var names) && names.Any(name => _indexes[name].Columns.Contains(column)));

    public void AddIndex(string? name, string table, IReadOnlyList<string> columns)
    {
        if (name is null)
        {
            AddKeyColumns(table, columns);
        }
        else
        {
            DropIndex(name);
            _indexes[name] = (table, columns);
            IndexesOf(table).Add(name);
        }
    }

    public void DropIndex(string name)
    {
        if (_indexes.Remove(name, out var index))
        {
            IndexesOf(index.Table).Remove(name);
        }
    }

    private HashSet<string> IndexesOf(string table)
    {
        if (!_indexesOfTable.TryGetValue(table, out var names))
        {
            _indexesOfTable[table] = names = new HashSet<string>(StringComparer.Ordinal);
        }

        return names;
    }

    public void AddKeyColumns(string table, IEnumerable<string> columns)
    {
        if (!_keyColumns.TryGetValue(table, out var set))
        {
            _keyColumns[table] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.UnionWith(columns);
    }

    public bool HasNotNullCheck(string table, string column) => _notNullChecked.TryGetValue(table, out var columns) && columns.Contains(column);

    /// <summary>A <c>CHECK (column IS NOT NULL)</c>: proven at once, or after <c>VALIDATE CONSTRAINT</c> when NOT VALID.</summary>
    public void AddNotNullCheck(string? name, string table, string column, bool validated)
    {
        if (validated)
        {
            NotNull(table).Add(column);
        }
        else if (name is not null)
        {
            _pendingNotNullChecks[name] = (table, column);
        }
    }

    public void Validate(string constraint)
    {
        if (_pendingNotNullChecks.Remove(constraint, out var check))
        {
            NotNull(check.Table).Add(check.Column);
        }
    }

    public void DropTable(string table)
    {
        if (_indexesOfTable.Remove(table, out var names))
        {
            foreach (var name in names)
            {
                _indexes.Remove(name);
            }
        }

        _columnTypes.Remove(table);
        _keyColumns.Remove(table);
        _notNullChecked.Remove(table);
    }

    public void DropNotNull(string table, string column) => NotNull(table).Remove(column);

    public void DropColumn(string table, string column)
    {
        Columns(table).Remove(column);
        NotNull(table).Remove(column);
        if (_keyColumns.TryGetValue(table, out var set))
        {
            set.Remove(column);
        }
    }

    public void RenameTable(string from, string to)
    {
        DropTable(to);
        if (_columnTypes.Remove(from, out var columns))
        {
            _columnTypes[to] = columns;
        }

        if (_keyColumns.Remove(from, out var keys))
        {
            _keyColumns[to] = keys;
        }

        if (_notNullChecked.Remove(from, out var notNull))
        {
            _notNullChecked[to] = notNull;
        }

        if (_indexesOfTable.Remove(from, out var names))
        {
            foreach (var name in names)
            {
                _indexes[name] = (to, _indexes[name].Columns);
            }

            _indexesOfTable[to] = names;
        }
    }

    public void RenameColumn(string table, string from, string to)
    {
        var columns = Columns(table);
        if (columns.Remove(from, out var type))
        {
            columns[to] = type;
        }

        if (_keyColumns.TryGetValue(table, out var set) && set.Remove(from))
        {
            set.Add(to);
        }

        if (NotNull(table).Remove(from))
        {
            NotNull(table).Add(to);
        }
    }

    /// <summary>Room for a table's columns up front: a wide table read column by column grew its sets a dozen times.</summary>
    public void Reserve(string table, int columns)
    {
        Columns(table).EnsureCapacity(columns);
        NotNull(table).EnsureCapacity(columns);
    }

    private HashSet<string> NotNull(string table)
    {
        if (!_notNullChecked.TryGetValue(table, out var columns))
        {
            _notNullChecked[table] = columns = new HashSet<string>(StringComparer.Ordinal);
        }

        return columns;
    }

    private Dictionary<string, string> Columns(string table)
    {
        if (!_columnTypes.TryGetValue(table, out var columns))
        {
            _columnTypes[table] = columns = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return columns;
    }
}
