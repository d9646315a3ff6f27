using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal sealed class SqliteSession(SqliteProvider provider, SqliteConnection connection, bool readOnly, Action? restore = null) : DatabaseSession
{
    private readonly HistoryTable _history = provider.History;
    private SqliteTransaction? _transaction;
    private volatile int _runningStatement = -1;

    public override Task<IReadOnlyList<Drift.SchemaObject>> ReadSchemaAsync(IReadOnlySet<string> excludedTables, bool includeExtensions, CancellationToken cancellationToken) =>
        Task.FromResult(Drift.SqliteCatalog.Read(connection, excludedTables));

    public override Task<IReadOnlyList<AppliedMigration>?> ReadHistoryAsync(string module, CancellationToken cancellationToken)
    {
        var columns = HistoryColumns();
        if (columns.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AppliedMigration>?>(null);
        }

        HistoryShape.Require(HistoryTable.Name, columns, canAdoptPgdbm: false);

        var rows = new List<AppliedMigration>();
        using var command = Command(_history.SelectSql(module));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(_history.Read(reader));
        }

        return Task.FromResult<IReadOnlyList<AppliedMigration>?>(rows);
    }

    public override Task<IReadOnlyList<string>?> ReadLegacyVersionsAsync(string table, CancellationToken cancellationToken)
    {
        using (var exists = Command("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name"))
        {
            exists.Parameters.AddWithValue("$name", table);
            if (exists.ExecuteScalar() is null)
            {
                return Task.FromResult<IReadOnlyList<string>?>(null);
            }
        }

        using var command = Command($"SELECT version FROM {Sql.SqlLiteral.Identifier(table)}");
        using var reader = command.ExecuteReader();
        var versions = new List<string>();
        while (reader.Read())
        {
            versions.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return Task.FromResult<IReadOnlyList<string>?>(versions);
    }

    public override Task<IReadOnlyList<string>> QueryColumnAsync(string sql, CancellationToken cancellationToken)
    {
        using var command = Command(sql);
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!);
        }

        return Task.FromResult<IReadOnlyList<string>>(values);
    }

    public override Task<IReadOnlyList<FlywayRow>?> ReadFlywayHistoryAsync(CancellationToken cancellationToken)
    {
        using (var exists = Command($"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{FlywayHistory.TableName}'"))
        {
            if (exists.ExecuteScalar() is null)
            {
                return Task.FromResult<IReadOnlyList<FlywayRow>?>(null);
            }
        }

        using var command = Command(FlywayHistory.SelectSql(FlywayHistory.TableName));
        using var reader = command.ExecuteReader();
        var rows = new List<FlywayRow>();
        while (reader.Read())
        {
            // SQLite keeps Flyway's BOOLEAN as 0/1 (or the text 'true'/'false' when written by hand).
            var success = reader.GetValue(4) switch
            {
                long number => number != 0,
                string text => text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1",
                var other => Convert.ToBoolean(other, CultureInfo.InvariantCulture),
            };
            rows.Add(new FlywayRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture),
                reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), success));
        }

        return Task.FromResult<IReadOnlyList<FlywayRow>?>(rows);
    }

    // A missing history table is created in the first migration's own transaction, or on its own just before
    // anything else writes to it: a run whose first migration fails leaves none behind.
    public override Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        _historyToCreate = HistoryColumns().Count == 0;
        return Task.FromResult(_historyToCreate);
    }

    private bool _historyToCreate;

    public override Task CreateHistoryAsync(CancellationToken cancellationToken)
    {
        CreateHistory();
        return Task.CompletedTask;
    }

    private void CreateHistory()
    {
        if (_historyToCreate)
        {
            using var transaction = BeginImmediate();
            Execute(_history.CreateSql);
            Commit();
            _historyToCreate = false;
        }
    }

    // Apply runs hold the file lock of SqliteRunLock; each migration also takes SQLite's write lock (BEGIN IMMEDIATE)
    // and re-checks the history inside it. Both die with the process, so none can be orphaned.
    public override async Task<IAsyncDisposable> LockAsync(string module, TimeSpan timeout, CancellationToken cancellationToken) =>
        readOnly || provider.IsInMemory
            ? (IAsyncDisposable)NoLock.Instance
            : await SqliteRunLock.AcquireAsync(provider.DatabasePath, timeout, cancellationToken);

    public override Task<ApplyOutcome> ApplyAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        _runningStatement = -1;
        var foreignKeysWereOn = SqlitePragma.Read(connection, "foreign_keys") == 1;
        Execute(SqliteForeignKeys.Off);
        try
        {
            return Task.FromResult(migration.Script.NoTransaction
                ? ApplyWithoutTransaction(migration, entry, stopwatch, cancellationToken)
                : ApplyInTransaction(migration, entry, stopwatch, cancellationToken));
        }
        finally
        {
            if (foreignKeysWereOn && _transaction is null)
            {
                Execute("PRAGMA foreign_keys = ON");
            }
        }
    }

    private ApplyOutcome ApplyInTransaction(PreparedMigration migration, HistoryEntry entry, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        using var transaction = BeginImmediate();
        if (_historyToCreate)
        {
            Execute(_history.CreateSql);
        }
        else if (IsRecorded(entry))
        {
            return ApplyOutcome.AlreadyApplied;
        }

        var before = ForeignKeysBefore(migration);
        RunStatements(migration, cancellationToken);
        var after = CheckForeignKeys(migration, before);
        Write(entry with { ExecutionTimeMs = stopwatch.ElapsedMilliseconds });
        cancellationToken.ThrowIfCancellationRequested();
        Commit();
        _historyToCreate = false;
        _violationsAfterLast = after;
        return ApplyOutcome.Applied;
    }

    public override Task RecordAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        CreateHistory();
        using var transaction = BeginImmediate();
        foreach (var entry in entries.Where(e => !IsRecorded(e)))
        {
            Execute(_history.InsertSql(entry));
        }

        Commit();
        return Task.CompletedTask;
    }

    public override Task<StatementActivity?> ActivityAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_runningStatement >= 0 ? new StatementActivity(_runningStatement, null, null) : null);

    public override ValueTask DisposeAsync()
    {
        if (restore is not null)
        {
            restore();
            return ValueTask.CompletedTask;
        }

        return connection.DisposeAsync();
    }

    // Runs under the run lock, so no other run can be between the history check and the history row.
    private ApplyOutcome ApplyWithoutTransaction(PreparedMigration migration, HistoryEntry entry, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        CreateHistory();
        if (IsRecorded(entry))
        {
            return ApplyOutcome.AlreadyApplied;
        }

        var before = ForeignKeysBefore(migration);
        RunStatements(migration, cancellationToken);
        var after = CheckForeignKeys(migration, before);
        using var transaction = BeginImmediate();
        Write(entry with { ExecutionTimeMs = stopwatch.ElapsedMilliseconds });
        Commit();
        _violationsAfterLast = after;
        return ApplyOutcome.Applied;
    }

    private void RunStatements(PreparedMigration migration, CancellationToken cancellationToken)
    {
        // Ctrl+C interrupts the statement that is running, not only the gaps between statements.
        using var interrupt = cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));
        var statements = migration.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            _runningStatement = i;
            cancellationToken.ThrowIfCancellationRequested();
            IO.GarbageBound.CheckApplying();
            var statement = statements[i];
            string? rewritten = null;
            if (statement.FirstWord.Equals("ALTER", StringComparison.OrdinalIgnoreCase) && SqliteColumnGuard.Match(statement.Text) is { } guard)
            {
                if (ColumnExists(guard.Schema, guard.Table, guard.Column))
                {
                    continue;
                }

                rewritten = guard.Rewritten;
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                ExecuteDirect(rewritten is null ? statement.Span : rewritten);
                StatementCompleted?.Invoke(i, Stopwatch.GetElapsedTime(started));
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteErrors.Interrupt && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteErrors.ReadOnly)
            {
                throw new MigrationException(Errors.DatabaseReadOnly(provider.DatabasePath));
            }
            catch (SqliteException e)
            {
                throw new StatementFailedException(i, SqliteErrors.Position(e, statements[i].Text, connection), SqliteErrors.Message(e, statements[i].Text),
                    permissionDenied: e.SqliteErrorCode == SqliteErrors.Auth, e);
            }
        }
    }

    private bool ColumnExists(string? schema, string table, string column)
    {
        using var command = Command("SELECT 1 FROM pragma_table_info($table, $schema) WHERE name = $column COLLATE NOCASE");
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$schema", schema ?? "main");
        command.Parameters.AddWithValue("$column", column);
        return command.ExecuteScalar() is not null;
    }

    private void Write(HistoryEntry entry)
    {
        foreach (var sql in _history.WriteSql(entry))
        {
            Execute(sql);
        }
    }

    private bool IsRecorded(HistoryEntry entry)
    {
        using var command = Command(_history.DoneSql(entry));
        return command.ExecuteScalar() is not null;
    }

    /// <summary>SQLite's write lock for the transaction; waits up to the busy timeout for other writers.</summary>
    private TransactionScope BeginImmediate()
    {
        _transaction = connection.BeginTransaction(deferred: false);
        return new TransactionScope(this);
    }

    private void Commit()
    {
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
    }

    // Known once a migration declared a foreign key or the schema was seen to have one; null until first asked.
    private bool? _schemaHasForeignKeys;

    // The violations counted after the last migration this session applied, with the database's data_version when
    // they were counted. While no other connection has committed since (data_version unchanged; this connection's own
    // commits do not change it), they are the next migration's "before", and the scan of every table runs once per
    // migration, not twice.
    private ForeignKeyViolations? _violationsAfterLast;

    private sealed record ForeignKeyViolations(Dictionary<(string Child, string Parent), long> Counts, long DataVersion);

    private ForeignKeyViolations? ForeignKeysBefore(PreparedMigration migration)
    {
        var last = _violationsAfterLast;
        _violationsAfterLast = null;
        _schemaHasForeignKeys ??= SqliteForeignKeys.AnyInSchema(Command);
        if (SqliteForeignKeys.Declares(migration))
        {
            _schemaHasForeignKeys = true;
        }

        if (_schemaHasForeignKeys != true)
        {
            return null;
        }

        var dataVersion = DataVersion();
        return last is not null && last.DataVersion == dataVersion ? last : new(SqliteForeignKeys.Snapshot(Command), dataVersion);
    }

    /// <summary>The check before commit; returns the counts after the migration, for the next one once this commits.</summary>
    private ForeignKeyViolations? CheckForeignKeys(PreparedMigration migration, ForeignKeyViolations? before)
    {
        if (before is null)
        {
            return null;
        }

        // Read before counting: a commit by another connection in between makes the next migration count again.
        var dataVersion = DataVersion();
        return new(SqliteForeignKeys.Check(Command, migration, before.Counts), dataVersion);
    }

    private long DataVersion()
    {
        using var command = Command("PRAGMA data_version");
        return (long)command.ExecuteScalar()!;
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private HashSet<string> HistoryColumns()
    {
        using var command = Command($"SELECT name FROM pragma_table_info('{HistoryTable.Name}')");
        using var reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private byte[] _utf8 = [];

    /// <summary>
    /// One migration statement straight through SQLite's prepare and step, as the sqlite3 shell runs it: a data
    /// migration of 50,000 INSERTs spends its time in SQLite, not in building a command, a reader and strings per
    /// statement. The text goes to SQLite as UTF-8 in one reused buffer. Failures are the library's own
    /// SqliteException, so they map and locate as any other.
    /// </summary>
    private void ExecuteDirect(ReadOnlySpan<char> sql)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(sql);
        if (_utf8.Length < length)
        {
            _utf8 = new byte[Math.Max(length, 4096)];
        }

        ReadOnlySpan<byte> remaining = _utf8.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(sql, _utf8));
        var db = connection.Handle!;
        while (!remaining.IsEmpty)
        {
            var rc = SQLitePCL.raw.sqlite3_prepare_v2(db, remaining, out var statement, out var tail);
            SqliteException.ThrowExceptionForRC(rc, db);
            using (statement)
            {
                if (statement.IsInvalid)
                {
                    break;
                }

                while ((rc = SQLitePCL.raw.sqlite3_step(statement)) == SQLitePCL.raw.SQLITE_ROW)
                {
                }

                if (rc != SQLitePCL.raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }
            }

            remaining = tail;
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    /// <summary>Rolls back on dispose when the transaction was not committed (an exception, or a skip).</summary>
    private readonly struct TransactionScope(SqliteSession session) : IDisposable
    {
        public void Dispose()
        {
            if (session._transaction is { } open)
            {
                session._transaction = null;
                open.Dispose();
            }
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
