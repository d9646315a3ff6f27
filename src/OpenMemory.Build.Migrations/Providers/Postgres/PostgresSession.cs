using System.Diagnostics;
using Npgsql;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Providers.Postgres;

// release ends the session's hold on the connection: it disposes what the engine opened, closes a caller's
// connection the engine had to open, and does nothing to a connection the caller handed over open.
// setup starts every migration from the same session state (PostgresSessionState); restore, for a caller's
// connection, puts its own settings back at the end.
internal sealed partial class PostgresSession(
    PostgresProvider provider,
    NpgsqlConnection connection,
    Func<ValueTask> release,
    bool readOnly,
    IReadOnlyList<string> setup,
    Func<CancellationToken, Task>? restore) : DatabaseSession
{
    private readonly PostgresHistoryTable _history = provider.PostgresHistory;
    private volatile int _runningStatement = -1;
    private readonly bool _batchNamesFailedStatement = new NpgsqlConnectionStringBuilder(connection.ConnectionString).IncludeFailedBatchedCommand;
    private string QuotedSchema => SqlLiteral.Identifier(provider.Schema);

    public override Task<IReadOnlyList<Drift.SchemaObject>> ReadSchemaAsync(IReadOnlySet<string> excludedTables, bool includeExtensions, CancellationToken cancellationToken) =>
        Drift.PostgresCatalog.ReadAsync(connection, provider.Schema, provider.AppRole, excludedTables, includeExtensions, cancellationToken);

    public override async Task<IReadOnlyList<AppliedMigration>?> ReadHistoryAsync(string module, CancellationToken cancellationToken)
    {
        // Read-only modes read inside a READ ONLY transaction, so not even a stray function call can write.
        await using var transaction = readOnly ? await connection.BeginTransactionAsync(cancellationToken) : null;
        if (transaction is not null)
        {
            await ExecuteAsync("SET TRANSACTION READ ONLY", transaction, cancellationToken);
        }

        var columns = await HistoryColumnsAsync(transaction, cancellationToken);
        if (columns.Count == 0)
        {
            return null;
        }

        var layout = HistoryShape.Require(_history.QualifiedName, columns, canAdoptPgdbm: true);
        var missing = layout == HistoryLayout.Pgdbm ? HistoryShape.Missing(columns) : null;

        var rows = new List<AppliedMigration>();
        await using var command = new NpgsqlCommand(_history.SelectSql(module, missing), connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(_history.Read(reader));
        }

        return rows;
    }

    public override async Task<IReadOnlyList<string>?> ReadLegacyVersionsAsync(string table, CancellationToken cancellationToken)
    {
        var qualified = $"{QuotedSchema}.{SqlLiteral.Identifier(table)}";
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass({SqlLiteral.Quote(qualified)}) IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }

        await using var command = new NpgsqlCommand($"SELECT version::text FROM {qualified}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetString(0));
        }

        return versions;
    }

    public override async Task<IReadOnlyList<string>> QueryColumnAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    public override async Task<IReadOnlyList<FlywayRow>?> ReadFlywayHistoryAsync(CancellationToken cancellationToken)
    {
        var qualified = $"{QuotedSchema}.{FlywayHistory.TableName}";
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass({SqlLiteral.Quote(qualified)}) IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return null;
            }
        }

        await using var command = new NpgsqlCommand(FlywayHistory.SelectSql(qualified), connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<FlywayRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FlywayRow(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4)));
        }

        return rows;
    }

    public override async Task<bool> AdoptHistoryAsync(CancellationToken cancellationToken)
    {
        var columns = await HistoryColumnsAsync(null, cancellationToken);
        if (columns.Count == 0 || HistoryShape.Require(_history.QualifiedName, columns, canAdoptPgdbm: true) != HistoryLayout.Pgdbm)
        {
            return false;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey.For("schema", provider.Schema, "")})", transaction, cancellationToken);
        await ExecuteAsync(_history.AdoptPgdbmSql, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// A missing history table (and schema) is created in the first migration's own transaction, or on its own just
    /// before anything else writes to it: a run whose first migration fails leaves neither behind, and a first run
    /// commits once less.
    /// </summary>
    public override async Task<bool> PrepareAsync(CancellationToken cancellationToken)
    {
        var schemaExists = await SchemaExistsAsync(cancellationToken);
        if (schemaExists && (await HistoryColumnsAsync(null, cancellationToken)).Count > 0)
        {
            return false;
        }

        _historyToCreate = schemaExists ? HistoryCreation.Table : HistoryCreation.SchemaAndTable;
        return true;
    }

    private enum HistoryCreation { None, Table, SchemaAndTable }

    private HistoryCreation _historyToCreate;

    // Runs of other modules may create the same schema and history table at this moment: serialize on the schema.
    private IEnumerable<string> CreateHistorySql()
    {
        yield return $"SELECT pg_advisory_xact_lock({AdvisoryLockKey.For("schema", provider.Schema, "")})";
        if (_historyToCreate == HistoryCreation.SchemaAndTable)
        {
            yield return CreateSchemaSql;
        }

        yield return _history.CreateSql;
    }

    // Looked for again under the lock: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema is
    // there, and another run may have made it since (a migrator that may not create schemas then still goes on).
    private string CreateSchemaSql => $"""
        DO $omb$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {SqlLiteral.Quote(provider.Schema)}) THEN
            CREATE SCHEMA {QuotedSchema};
          END IF;
        END $omb$
        """;

    public override async Task CreateHistoryAsync(CancellationToken cancellationToken)
    {
        if (_historyToCreate == HistoryCreation.None)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var sql in CreateHistorySql())
        {
            try
            {
                await ExecuteAsync(sql, transaction, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrors.InsufficientPrivilege && sql == CreateSchemaSql)
            {
                throw SchemaMissing();
            }
        }

        await transaction.CommitAsync(cancellationToken);
        _historyToCreate = HistoryCreation.None;
    }

    private MigrationException SchemaMissing() => new(Errors.SchemaMissing(provider.Schema, connection.UserName ?? "(current user)"));

    public override Task<IAsyncDisposable> LockAsync(string module, TimeSpan timeout, CancellationToken cancellationToken) =>
        PostgresRunLock.AcquireAsync(connection, provider.Schema, module, timeout, cancellationToken);

    public override async Task<ApplyOutcome> ApplyAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken)
    {
        _runningStatement = -1;
        var batched = !migration.Script.NoTransaction && _batchNamesFailedStatement && StatementCompleted is null;
        if (!batched)
        {
            await CreateHistoryAsync(cancellationToken);
        }

        if (migration.Script.NoTransaction)
        {
            await ApplyWithoutTransactionAsync(migration, entry, cancellationToken);
            return ApplyOutcome.Applied;
        }

        if (batched)
        {
            await RunAsBatchAsync(migration, entry, cancellationToken);
            return ApplyOutcome.Applied;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RunOneByOneAsync(migration, transaction, cancellationToken);
        await RecordAsync(entry, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ApplyOutcome.Applied;
    }

    /// <summary>
    /// The whole transaction in one round trip: BEGIN, every statement, the history row and COMMIT, as the deploy
    /// script writes it. A separate COMMIT cost a round trip per migration, about as much client time as the rest of it.
    /// The preparer has refused transaction control inside the migration, so this COMMIT is the only one. A large
    /// migration goes in several batches of the one transaction, so that its statements' text and commands are not
    /// all held at once. A COPY ... FROM stdin streams its rows through Npgsql's COPY API, which a batch cannot hold:
    /// it runs on its own between the batches before and after it.
    /// </summary>
    private async Task RunAsBatchAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var statements = migration.Statements;
        var next = 0;
        var committed = false;
        do
        {
            IO.GarbageBound.CheckApplying();
            await using var batch = new NpgsqlBatch(connection);
            var first = next;
            if (first == 0)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                foreach (var sql in _historyToCreate == HistoryCreation.None ? [] : CreateHistorySql())
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
                }

                foreach (var sql in setup)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
                }
            }

            var leading = batch.BatchCommands.Count;
            for (var text = 0; next < statements.Count && statements[next].CopyData is null && (next == first || text + statements[next].Length <= BatchTextLimit); next++)
            {
                text += statements[next].Length;
                batch.BatchCommands.Add(new NpgsqlBatchCommand(statements[next].Text));
            }

            if (next == statements.Count)
            {
                committed = true;
                foreach (var sql in PostgresSessionState.BeforeRecord)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
                }

                foreach (var sql in _history.WriteSql(entry))
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }

            if (batch.BatchCommands.Count > 0)
            {
                try
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (Exception e)
                {
                    await RollBackAfterFailedBatchAsync();
                    if (e is PostgresException { BatchCommand: { } failed } failure
                        && batch.BatchCommands.IndexOf(failed) - leading is var index && index >= 0 && first + index < next)
                    {
                        throw Failure(migration, first + index, failure);
                    }

                    if (e is PostgresException { SqlState: PostgresErrors.InsufficientPrivilege, BatchCommand.CommandText: var denied } && denied == CreateSchemaSql)
                    {
                        throw SchemaMissing();
                    }

                    throw;
                }

                if (committed)
                {
                    _historyToCreate = HistoryCreation.None;
                }
            }

            if (next < statements.Count && statements[next].CopyData is { } rows)
            {
                _runningStatement = next;
                try
                {
                    await CopyInAsync(statements[next], rows, cancellationToken);
                }
                catch (PostgresException e)
                {
                    await RollBackAfterFailedBatchAsync();
                    throw CopyFailure(migration, next, e);
                }
                catch
                {
                    await RollBackAfterFailedBatchAsync();
                    throw;
                }

                next++;
            }
        }
        while (!committed);
    }

    /// <summary>Characters of statement text sent in one batch; a migration of more goes in several, one transaction still.</summary>
    private const int BatchTextLimit = 1 << 20;

    /// <summary>
    /// After an error the server skips the rest of the batch, COMMIT included, and the transaction stays open and
    /// aborted until it is rolled back; a broken connection has nothing left to roll back.
    /// </summary>
    private async Task RollBackAfterFailedBatchAsync()
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync("ROLLBACK", null, CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection broke meanwhile: the server rolls the transaction back when its session ends.
        }
    }

    /// <summary>A statement per round trip, for connections the caller opened without IncludeFailedBatchedCommand.</summary>
    private async Task RunOneByOneAsync(PreparedMigration migration, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        foreach (var sql in setup)
        {
            await ExecuteAsync(sql, transaction, cancellationToken);
        }

        for (var i = 0; i < migration.Statements.Count; i++)
        {
            _runningStatement = i;
            var statement = migration.Statements[i];
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                if (statement.CopyData is { } rows)
                {
                    await CopyInAsync(statement, rows, cancellationToken);
                }
                else
                {
                    await ExecuteAsync(statement.Text, transaction, cancellationToken);
                }

                StatementCompleted?.Invoke(i, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }
            catch (PostgresException e)
            {
                throw statement.CopyData is null ? Failure(migration, i, e) : CopyFailure(migration, i, e);
            }
        }
    }

    public override async Task RecordAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken cancellationToken)
    {
        await CreateHistoryAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var entry in entries)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_history.InsertSql(entry) + " ON CONFLICT DO NOTHING"));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public override async Task<string?> GrantAppRoleAsync(CancellationToken cancellationToken)
    {
        if (provider.AppRole is not { } role)
        {
            return null;
        }

        await CreateHistoryAsync(cancellationToken);

        await PostgresGrants.GrantAsync(connection, provider.Schema, role, _history.QualifiedName, cancellationToken);
        return role;
    }

    /// <summary>The server's view of this session (another connection asks): the running statement and the lock it waits on.</summary>
    public override async Task<StatementActivity?> ActivityAsync(CancellationToken cancellationToken)
    {
        var activity = await provider.ObserveAsync(connection.ProcessID, cancellationToken);
        return activity is null ? null : activity with { StatementIndex = _runningStatement >= 0 ? _runningStatement : null };
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (restore is not null && connection.State == System.Data.ConnectionState.Open)
            {
                await restore(CancellationToken.None);
            }
        }
        finally
        {
            await release();
        }
    }

    private async Task ApplyWithoutTransactionAsync(PreparedMigration migration, HistoryEntry entry, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await RunOneByOneAsync(migration, null, cancellationToken);

        // Written only after the last statement succeeded.
        await RecordAsync(entry with { ExecutionTimeMs = stopwatch.ElapsedMilliseconds }, null, cancellationToken);
    }

    private async Task RecordAsync(HistoryEntry entry, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        foreach (var sql in PostgresSessionState.BeforeRecord)
        {
            await ExecuteAsync(sql, transaction, cancellationToken);
        }

        foreach (var sql in _history.WriteSql(entry))
        {
            await ExecuteAsync(sql, transaction, cancellationToken);
        }
    }

    private async Task CopyInAsync(SqlStatement statement, ReadOnlyMemory<char> rows, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginTextImportAsync(statement.Text, cancellationToken);
        if (statement.HeldOutRows is { } bytes)
        {
            // The text writer's own stream is the COPY's: the rows' bytes go as the file has them, UTF-8 like the session.
            await writer.BaseStream.WriteAsync(bytes, cancellationToken);
        }
        else
        {
            await writer.WriteAsync(rows, cancellationToken);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^COPY [^,]+, line (\d+)")]
    private static partial System.Text.RegularExpressions.Regex CopyDataLine();

    /// <summary>A COPY's error, at the row the server names ("COPY items, line 3, column id: ...", rows counted from 1).</summary>
    private static StatementFailedException CopyFailure(PreparedMigration migration, int index, PostgresException e)
    {
        var statement = migration.Statements[index];
        if (CopyDataLine().Match(e.Where ?? "") is not { Success: true } line)
        {
            return Failure(migration, index, e);
        }

        var row = int.Parse(line.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rowOffset = 0;
        for (var n = 1; n < row && rowOffset >= 0; n++)
        {
            rowOffset = statement.CopyData!.Value.Span[rowOffset..].IndexOf('\n') is var next and >= 0 ? rowOffset + next + 1 : -1;
        }

        return new StatementFailedException(index, statement.CopyDataOffset + Math.Max(rowOffset, 0) - statement.Offset,
            PostgresErrors.Message(e), permissionDenied: false, e);
    }

    private static StatementFailedException Failure(PreparedMigration migration, int index, PostgresException e) =>
        new(index, e.Position > 0 ? Utf16Index(migration.Statements[index].Text, e.Position - 1) : 0, PostgresErrors.Message(e), e.SqlState == PostgresErrors.InsufficientPrivilege, e);

    /// <summary>The server counts characters (code points); a C# string counts UTF-16 units, two for an emoji.</summary>
    private static int Utf16Index(string text, int codePoints)
    {
        var index = 0;
        for (var seen = 0; seen < codePoints && index < text.Length; seen++)
        {
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        }

        return index;
    }

    private async Task<bool> SchemaExistsAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT 1 FROM pg_namespace WHERE nspname = {SqlLiteral.Quote(provider.Schema)}", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task<HashSet<string>> HistoryColumnsAsync(NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(_history.ColumnsSql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private async Task ExecuteAsync(string sql, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
