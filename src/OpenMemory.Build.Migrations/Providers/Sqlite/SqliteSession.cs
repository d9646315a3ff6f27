using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

internal sealed class SqliteSession(SqliteProvider provider, SqliteConnection connection, Action? restore = null) : DatabaseSession
{
    private readonly HistoryTable _history = provider.History;
    private SqliteTransaction? _transaction;

    /// <summary>
    /// A session on the caller's connection: opened if it was closed (and closed again at the end), its busy_timeout
    /// and query_only settings put back as they were. It is never disposed.
    /// </summary>
    public static async Task<SqliteSession> BorrowAsync(SqliteProvider provider, SqliteConnection connection, bool readOnly, TimeSpan busyTimeout, CancellationToken cancellationToken)
    {
        var wasClosed = connection.State != System.Data.ConnectionState.Open;
        if (wasClosed)
        {
            await connection.OpenAsync(cancellationToken);
        }

        var busy = Pragma(connection, "busy_timeout");
        var queryOnly = Pragma(connection, "query_only");
        Pragma(connection, $"busy_timeout = {(int)busyTimeout.TotalMilliseconds}");
        Pragma(connection, $"query_only = {(readOnly ? 1 : queryOnly)}");
        return new SqliteSession(provider, connection, () =>
        {
            Pragma(connection, $"busy_timeout = {busy}");
            Pragma(connection, $"query_only = {queryOnly}");
            if (wasClosed)
            {
                connection.Close();
            }
        });
    }

    private static long Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public override Task<IReadOnlyList<AppliedMigration>?> ReadHistoryAsync(string module, CancellationToken cancellationToken)
    {
        var columns = HistoryColumns();
        if (columns.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<AppliedMigration>?>(null);
        }

        var missing = HistoryTable.RequiredColumns.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new MigrationException(Errors.HistoryTableMalformed(HistoryTable.Name, "missing column " + string.Join(", ", missing)));
        }

        var rows = new List<AppliedMigration>();
        using var command = Command(_history.SelectSql(module));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new AppliedMigration(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5)),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? 0 : reader.GetInt64(7),
                reader.IsDBNull(8) ? AppliedMigration.KindApplied : reader.GetString(8)));
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

    public override Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (HistoryColumns().Count > 0)
        {
            return Task.CompletedTask;
        }

        using var transaction = BeginImmediate();
        Execute(_history.CreateSql);
        Commit();
        return Task.CompletedTask;
    }

    // Each migration takes SQLite's write lock (BEGIN IMMEDIATE) and re-checks the history inside it: a crash
    // releases that lock with the process, so no run-level lock is needed and none can be orphaned.
    public override Task<IAsyncDisposable> LockAsync(string module, TimeSpan timeout, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override Task<ApplyOutcome> ApplyAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (migration.Script.NoTransaction)
        {
            return Task.FromResult(ApplyWithoutTransaction(migration, entry, stopwatch, cancellationToken));
        }

        using var transaction = BeginImmediate();
        if (IsRecorded(entry))
        {
            return Task.FromResult(ApplyOutcome.AlreadyApplied);
        }

        RunStatements(migration, cancellationToken);
        Execute(_history.InsertSql(entry with { ExecutionTimeMs = stopwatch.ElapsedMilliseconds }));
        cancellationToken.ThrowIfCancellationRequested();
        Commit();
        return Task.FromResult(ApplyOutcome.Applied);
    }

    public override Task RecordAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        using var transaction = BeginImmediate();
        foreach (var entry in entries.Where(e => !IsRecorded(e)))
        {
            Execute(_history.InsertSql(entry));
        }

        Commit();
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (restore is not null)
        {
            restore();
            return ValueTask.CompletedTask;
        }

        return connection.DisposeAsync();
    }

    private ApplyOutcome ApplyWithoutTransaction(PreparedMigration migration, HistoryEntry entry, Stopwatch stopwatch, CancellationToken cancellationToken)
    {
        if (IsRecorded(entry))
        {
            return ApplyOutcome.AlreadyApplied;
        }

        RunStatements(migration, cancellationToken);
        using var transaction = BeginImmediate();
        if (IsRecorded(entry))
        {
            return ApplyOutcome.AlreadyApplied;
        }

        Execute(_history.InsertSql(entry with { ExecutionTimeMs = stopwatch.ElapsedMilliseconds }));
        Commit();
        return ApplyOutcome.Applied;
    }

    private void RunStatements(PreparedMigration migration, CancellationToken cancellationToken)
    {
        // Ctrl+C interrupts the statement that is running, not only the gaps between statements.
        using var interrupt = cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));
        var statements = migration.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sql = provider.Render(statements[i], this);
            if (sql is null)
            {
                continue;
            }

            using var command = Command(sql);
            try
            {
                command.ExecuteNonQuery();
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
                throw new StatementFailedException(i, SqliteErrors.Position(e, statements[i].Text), SqliteErrors.Message(e),
                    permissionDenied: e.SqliteErrorCode == SqliteErrors.Auth, e);
            }
        }
    }

    public bool ColumnExists(string? schema, string table, string column)
    {
        using var command = Command("SELECT 1 FROM pragma_table_info($table, $schema) WHERE name = $column COLLATE NOCASE");
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$schema", schema ?? "main");
        command.Parameters.AddWithValue("$column", column);
        return command.ExecuteScalar() is not null;
    }

    private bool IsRecorded(HistoryEntry entry)
    {
        using var command = Command(_history.SelectOneSql(entry.Module, entry.Version));
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

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    private static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

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
