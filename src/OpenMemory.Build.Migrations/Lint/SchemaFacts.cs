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
    private readonly HashSet<(string Table, string Column)> _notNullChecked = [];
    private readonly Dictionary<string, (string Table, string Column)> _pendingNotNullChecks = new(StringComparer.Ordinal);

    public string? ColumnType(string table, string column) =>
        _columnTypes.TryGetValue(table, out var columns) && columns.TryGetValue(column, out var type) ? type : null;

    public void SetColumnType(string table, string column, string type) => Columns(table)[column] = type;

    public bool IsKeyColumn(string table, string column) =>
        (_keyColumns.TryGetValue(table, out var set) && set.Contains(column))
        || _indexes.Values.Any(index => index.Table == table && index.Columns.Contains(column));

    public void AddIndex(string? name, string table, IReadOnlyList<string> columns)
    {
        if (name is null)
        {
            AddKeyColumns(table, columns);
        }
        else
        {
            _indexes[name] = (table, columns);
        }
    }

    public void DropIndex(string name) => _indexes.Remove(name);

    public void AddKeyColumns(string table, IEnumerable<string> columns)
    {
        if (!_keyColumns.TryGetValue(table, out var set))
        {
            _keyColumns[table] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.UnionWith(columns);
    }

    public bool HasNotNullCheck(string table, string column) => _notNullChecked.Contains((table, column));

    /// <summary>A <c>CHECK (column IS NOT NULL)</c>: proven at once, or after <c>VALIDATE CONSTRAINT</c> when NOT VALID.</summary>
    public void AddNotNullCheck(string? name, string table, string column, bool validated)
    {
        if (validated)
        {
            _notNullChecked.Add((table, column));
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
            _notNullChecked.Add(check);
        }
    }

    public void DropTable(string table)
    {
        foreach (var index in _indexes.Where(i => i.Value.Table == table).Select(i => i.Key).ToList())
        {
            _indexes.Remove(index);
        }

        _columnTypes.Remove(table);
        _keyColumns.Remove(table);
        _notNullChecked.RemoveWhere(c => c.Table == table);
    }

    public void DropNotNull(string table, string column) => _notNullChecked.Remove((table, column));

    public void DropColumn(string table, string column)
    {
        Columns(table).Remove(column);
        _notNullChecked.Remove((table, column));
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

        foreach (var (name, index) in _indexes.Where(i => i.Value.Table == from).ToList())
        {
            _indexes[name] = (to, index.Columns);
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
