using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>One run of the engine: load and check the files, read the history, then verify, preview or apply.</summary>
internal sealed partial class MigrationRun(IMigrationSource source, MigrationOptions options, RunLog log)
{
    private readonly List<MigrationDiagnostic> _diagnostics = [];
    private List<MigrationRecord> _records = [];
    private string? _startVersion;
    private string? _previewSql;
    private IReadOnlyList<DriftDifference> _drift = [];
    private DatabaseProvider? _provider;

    public async Task<MigrationResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(cancellationToken);
        }
        catch (MigrationException e)
        {
            _diagnostics.Add(e.Diagnostic);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _diagnostics.Add(Errors.Cancelled());
        }
        catch (Exception e) when (_provider is not null && _provider.TryMapException(e, out var mapped))
        {
            _diagnostics.Add(mapped);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _diagnostics.Add(Errors.Unexpected($"{e.GetType().Name}: {e.Message}"));
        }

        return new MigrationResult
        {
            Mode = options.Mode,
            Module = options.Module,
            Provider = _provider?.Name ?? options.Provider,
            Migrations = _records,
            Diagnostics = _diagnostics,
            StartVersion = _startVersion,
            PreviewSql = _previewSql,
            Drift = _drift,
        };
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        Identifiers.RequireModule(options.Module);
        var baseline = ParseBaseline();
        var rollbackTarget = ParseRollbackTarget();
        _provider = ProviderFactory.Create(options);
        log.Checking();
        _provider.BeginConnect(cancellationToken);
        try
        {
            await RunWithProviderAsync(baseline, rollbackTarget, cancellationToken);
        }
        finally
        {
            await _provider.DropEarlyConnectionAsync();
        }
    }

    private async Task RunWithProviderAsync(MigrationVersion? baseline, MigrationVersion? rollbackTarget, CancellationToken cancellationToken)
    {
        // The files are read and hashed on another core while the database's state is read, when reading it changes
        // nothing. The files' errors win over whatever the database says (a wait for the run lock stops when they are found).
        using var filesFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loading = Task.Run(() => LoadCatalog(filesFailed), cancellationToken);
        var reading = DatabaseState.ReadEarly(_provider!, options, filesFailed.Token);
        CatalogResult catalog;
        try
        {
            catalog = await loading;
        }
        catch
        {
            await DatabaseState.DiscardAsync(reading);
            throw;
        }

        var scripts = catalog.Scripts;
        _diagnostics.AddRange(catalog.Diagnostics);
        log.Catalog(catalog, _provider!.Name);
        if (HasErrors)
        {
            await DatabaseState.DiscardAsync(reading);
            return;
        }

        if (scripts.Count == 0 && catalog.Repeatables.Count == 0)
        {
            _diagnostics.Add(Errors.NoMigrations(source.Description));
        }

        var apply = options.Mode == MigrationMode.Apply;
        var preparedAhead = options.Mode is MigrationMode.Apply or MigrationMode.Verify or MigrationMode.Preview && rollbackTarget is null
            ? MigrationPreparer.PrepareAheadAsync(scripts, _provider)
            : Task.CompletedTask;
        await using var state = await (reading ?? DatabaseState.ReadAsync(_provider, options, cancellationToken));
        var session = state.Session;
        var flyway = state.Flyway;
        var newHistory = state.NewHistory;
        var history = state.History;
        var adopted = history is { Count: > 0 } ? null : await ReadLegacyVersionAsync(session, flyway, cancellationToken);
        var plan = MigrationPlan.Create(scripts, history ?? [], options, Max(baseline, adopted), catalog.Repeatables);
        _records = [.. plan.Records];
        _startVersion = plan.CurrentVersion;
        log.CurrentVersion(plan.CurrentVersion ?? (adopted is null ? null : $"{adopted.Text} (recorded by an earlier tool)"));
        if (options.Mode == MigrationMode.Info)
        {
            // Info shows problems as states in its table; it is a look, not a gate.
            InfoTable.Write(log, _records);
            return;
        }

        if (options.Mode == MigrationMode.Drift)
        {
            // A modified or missing applied migration means the files no longer say what was applied: no comparison.
            _diagnostics.AddRange(plan.Problems.Where(p => p.IsError));
            if (HasErrors)
            {
                return;
            }

            // A baseline whose files build it (OpenMemory's 1.1.0 baseline file) is compared whole; one that no file
            // builds (a baseline version below every file, or comment-only baseline files) leaves its objects unchecked.
            var baselined = scripts.Where(s => plan.Records.Any(r => r.State == MigrationState.Baselined && r.FileName == s.FileName)).ToList();
            var hasBaseline = adopted is not null || baseline is not null || baselined.Count > 0;
            var builtByFiles = baselined.Count > 0 && baselined.All(s => !s.Placeholder);
            var otherModules = session is null || history is null ? [] : await session.QueryColumnAsync(_provider.History.OtherModulesSql(options.Module), cancellationToken);
            var (differences, drift) = await Drift.DriftCheck.RunAsync(source, options, _provider, session, plan,
                new Drift.DriftBaseline(hasBaseline, hasBaseline && !builtByFiles), otherModules, log, cancellationToken);
            _drift = differences;
            _diagnostics.AddRange(drift);
            return;
        }

        if (rollbackTarget is not null)
        {
            await RollbackAsync(session, plan, scripts, history ?? [], rollbackTarget, cancellationToken);
            return;
        }

        _diagnostics.AddRange(plan.Problems);
        if (HasErrors)
        {
            return;
        }

        await preparedAhead;
        var (pending, prepareDiagnostics) = PendingMigrations.Prepare(plan.Pending, _provider);
        _diagnostics.AddRange(prepareDiagnostics);
        if (HasErrors)
        {
            return;
        }

        switch (options.Mode)
        {
            case MigrationMode.Verify:
                log.Verified(plan.Records.Count(r => r.State is MigrationState.Applied or MigrationState.Baselined), plan.Pending.Count);
                break;
            case MigrationMode.Preview:
                WritePreview(plan, pending);
                break;
            default:
                await ApplyAsync(session!, plan, pending, adoptable: !newHistory, cancellationToken);
                break;
        }
    }

    private CatalogResult LoadCatalog(CancellationTokenSource filesFailed)
    {
        var catalog = MigrationCatalog.LoadWithNotes(source, _provider!.Name);
        if (catalog.Diagnostics.Any(d => d.IsError))
        {
            filesFailed.Cancel();
        }

        return catalog;
    }

    /// <summary>
    /// The highest version another tool recorded (OpenMemory's schema_version). It acts as a baseline: that tool
    /// never recorded its own starting schema, so everything up to it is in place.
    /// </summary>
    private async Task<MigrationVersion?> ReadLegacyVersionAsync(DatabaseSession? session, IReadOnlyList<FlywayRow>? flywayRows, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            return null;
        }

        var flyway = FlywayVersion(flywayRows);
        if (string.IsNullOrWhiteSpace(options.LegacyHistoryTable))
        {
            return flyway;
        }

        var table = Identifiers.Require(options.LegacyHistoryTable.Trim(), "legacy history table");
        var versions = await session.ReadLegacyVersionsAsync(table, cancellationToken);
        if (versions is null || versions.Count == 0)
        {
            return flyway;
        }

        log.FoundLegacyHistory(table, versions);
        return Max(flyway, versions.Select(v => MigrationVersion.TryParse(v.Trim(), out var parsed) ? parsed : null).OfType<MigrationVersion>().DefaultIfEmpty().Max());
    }

    /// <summary>Flyway's history, found without configuration: its highest applied version, or an error for a failed row.</summary>
    private MigrationVersion? FlywayVersion(IReadOnlyList<FlywayRow>? rows)
    {
        if (rows is null || rows.Count == 0)
        {
            return null;
        }

        var applied = FlywayHistory.AppliedVersions(rows);
        if (applied.Count == 0)
        {
            return null;
        }

        log.FoundFlywayHistory(FlywayHistory.TableName, applied.Count, applied[^1].Text);
        return applied[^1];
    }

    private static MigrationVersion? Max(MigrationVersion? left, MigrationVersion? right) =>
        left is null ? right : right is null ? left : left >= right ? left : right;

    // adoptable: the history table was there before this run (one this run makes has its own shape).
    private async Task ApplyAsync(DatabaseSession session, MigrationPlan plan, PendingMigrations prepared, bool adoptable, CancellationToken cancellationToken)
    {
        if (adoptable && (plan.ToBaseline.Count > 0 || prepared.Count > 0) && await session.AdoptHistoryAsync(cancellationToken))
        {
            log.AdoptedPgdbm();
        }

        if (plan.ToBaseline.Count > 0)
        {
            await session.RecordAsync([.. plan.ToBaseline.Select(s => Entry(s, AppliedMigration.KindBaselined, 0))], cancellationToken);
            log.Baselined(plan.ToBaseline.Count, plan.ToBaseline[^1].Version.Text);
        }

        var startVersion = plan.ToBaseline.Count > 0 ? plan.ToBaseline[^1].Version.Text : plan.CurrentVersion;
        if (prepared.Count == 0)
        {
            await session.CreateHistoryAsync(cancellationToken);
            await GrantAppRoleAsync(session, cancellationToken);
            log.UpToDate(startVersion);
            return;
        }

        var run = System.Diagnostics.Stopwatch.StartNew();
        var appliedNow = 0;
        foreach (var migration in prepared)
        {
            var script = migration.Script;
            log.Running(script);
            if (migration.Statements.Count == 0 && !script.Placeholder)
            {
                log.CommentsOnly(script);
            }

            var started = System.Diagnostics.Stopwatch.StartNew();
            var outcome = await RunOneAsync(session, migration, Entry(script, AppliedMigration.KindApplied, null), script, (e, line, column) => e.PermissionDenied
                ? Errors.PermissionDenied(script.Path, line, column, script.Id, e.DatabaseMessage, PermissionHint(e))
                : script.NoTransaction
                    ? Errors.NoTransactionMigrationFailed(script.Path, line, column, script.Id, e.StatementIndex, migration.Statements.Count, e.DatabaseMessage)
                    : Errors.MigrationFailed(script.Path, line, column, script.Id, e.DatabaseMessage), cancellationToken);
            if (outcome is null)
            {
                return;
            }

            if (outcome == ApplyOutcome.AlreadyApplied)
            {
                log.AppliedElsewhere(script);
                SetState(script, MigrationState.Applied, null);
                continue;
            }

            log.Completed(script, started.ElapsedMilliseconds);
            SetState(script, MigrationState.AppliedNow, started.ElapsedMilliseconds);
            appliedNow++;
        }

        await GrantAppRoleAsync(session, cancellationToken);
        log.AllCompleted(appliedNow, startVersion, prepared.Scripts.LastOrDefault(s => !s.IsRepeatable)?.Id ?? startVersion, run.ElapsedMilliseconds);
    }

    /// <summary>
    /// Runs one prepared script with its history change, as Apply and Rollback both do: a heartbeat while it runs,
    /// statement timings when wanted, and a failure located in its file. Null when it failed (diagnostic added).
    /// </summary>
    private async Task<ApplyOutcome?> RunOneAsync(DatabaseSession session, PreparedMigration migration, HistoryEntry entry, MigrationScript stateOf,
        Func<StatementFailedException, int, int, MigrationDiagnostic> failure, CancellationToken cancellationToken)
    {
        session.StatementCompleted = log.WantsStatements
            ? (index, ms) => log.StatementDone(migration.Script, migration.Locate(index, 0).Line, ms)
            : null;
        try
        {
            await using (Heartbeat.Start(options.HeartbeatInterval, (elapsed, token) => BeatAsync(session, migration, elapsed, token)))
            {
                return await session.ApplyAsync(migration, entry, cancellationToken);
            }
        }
        catch (StatementFailedException e)
        {
            var (line, column) = migration.Locate(e.StatementIndex, e.PositionInStatement);
            _diagnostics.Add(failure(e, line, column));
        }
        catch (MigrationException e)
        {
            _diagnostics.Add(e.Diagnostic);
        }

        SetState(stateOf, MigrationState.Failed, null);
        return null;
    }

    private async Task BeatAsync(DatabaseSession session, PreparedMigration migration, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        var activity = await session.ActivityAsync(cancellationToken);
        var index = activity?.StatementIndex ?? FindStatement(migration, activity?.StatementText);
        log.StillRunning(migration.Script, index is { } i ? migration.Locate(i, 0).Line : null, elapsed, activity?.Waiting);
    }

    private static int? FindStatement(PreparedMigration migration, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var index = migration.Statements.ToList().FindIndex(s => string.Equals(s.Text.Trim(), text.Trim(), StringComparison.Ordinal));
        return index >= 0 ? index : null;
    }

    private async Task GrantAppRoleAsync(DatabaseSession session, CancellationToken cancellationToken)
    {
        if (await session.GrantAppRoleAsync(cancellationToken) is { } role)
        {
            log.Granted(role);
        }
    }

    private void WritePreview(MigrationPlan plan, PendingMigrations prepared)
    {
        foreach (var script in prepared.Scripts)
        {
            log.PendingItem(script);
        }

        WritePreviewScript([.. plan.ToBaseline.Select(s => Entry(s, AppliedMigration.KindBaselined, 0))],
            [.. prepared.Select(m => (m, Entry(m.Script, AppliedMigration.KindApplied, null)))]);
        log.PreviewWritten(prepared.Count, options.PreviewFile);
    }

    /// <summary>The preview script of what this run would do, kept in the result and written to the preview file.</summary>
    private void WritePreviewScript(IReadOnlyList<HistoryEntry> baselines, IReadOnlyList<(PreparedMigration Migration, HistoryEntry Entry)> blocks)
    {
        var scratch = Path.GetFullPath(options.PreviewFile ?? Path.Combine(Path.GetTempPath(), $"omb-preview-{options.Module}.sql")) + ".scratch";
        var script = _previewSql = PreviewScriptWriter.Write(_provider!, options, scratch, baselines, blocks);
        if (options.PreviewFile is { } file)
        {
            try
            {
                IO.AtomicFile.WriteAllText(file, script);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MigrationException(Errors.CannotWriteFile(file, e.Message));
            }
        }
    }

    private HistoryEntry Entry(MigrationScript script, string kind, long? executionTimeMs) =>
        HistoryEntry.For(options.Module, script, kind, executionTimeMs);

    private void SetState(MigrationScript script, MigrationState state, long? milliseconds)
    {
        var index = _records.FindIndex(r => r.Version == script.Id && r.FileName == script.FileName);
        if (index >= 0)
        {
            _records[index] = _records[index] with
            {
                State = state,
                ExecutionTimeMs = milliseconds ?? _records[index].ExecutionTimeMs,
                AppliedAt = state == MigrationState.AppliedNow ? DateTimeOffset.UtcNow : _records[index].AppliedAt,
            };
        }
    }

    /// <summary>The version a rollback returns to, when this run is one (Rollback, or Preview or Verify of one).</summary>
    private MigrationVersion? ParseRollbackTarget()
    {
        var text = options.TargetVersion?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return options.Mode == MigrationMode.Rollback ? throw new MigrationException(Errors.TargetVersionRequired()) : null;
        }

        if (!MigrationVersion.TryParse(text, out var target))
        {
            throw new MigrationException(Errors.InvalidTargetVersion(text));
        }

        return options.Mode switch
        {
            MigrationMode.Apply => throw new MigrationException(Errors.TargetVersionWithApply(text)),
            MigrationMode.Info => null,
            _ => target,
        };
    }

    private MigrationVersion? ParseBaseline()
    {
        if (string.IsNullOrWhiteSpace(options.BaselineVersion))
        {
            return null;
        }

        return MigrationVersion.TryParse(options.BaselineVersion.Trim(), out var version)
            ? version
            : throw new MigrationException(Errors.InvalidBaselineVersion(options.BaselineVersion));
    }

    private static string PermissionHint(StatementFailedException e) =>
        e.DatabaseMessage.Contains("extension", StringComparison.OrdinalIgnoreCase)
            ? "As a superuser, create the extension first (e.g. CREATE EXTENSION IF NOT EXISTS vector;), or run the migration with a role that may."
            : "As a superuser, grant the migrating role the privilege (e.g. GRANT CREATE ON SCHEMA ... TO migrator;), or run the migration with a role that has it.";

    private bool HasErrors => _diagnostics.Any(d => d.IsError);
}
