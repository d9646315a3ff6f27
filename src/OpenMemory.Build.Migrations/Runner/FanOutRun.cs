using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Providers;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// One run over many targets (schemas or databases): each target is an ordinary run with its own history, lock and
/// templating, at most <see cref="MigrationOptions.MaxParallelism"/> at once. A failing target does not stop the
/// others unless <see cref="MigrationOptions.FailFast"/>. The files are read once for all targets.
/// </summary>
internal sealed class FanOutRun(IMigrationSource source, MigrationOptions options, ILogger logger)
{
    private const int FullTableUpTo = 50;
    private readonly RunLog _log = new(logger);

    public async Task<MigrationResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var diagnostics = new List<MigrationDiagnostic>();
        IReadOnlyList<MigrationTarget> targets;
        try
        {
            targets = await ResolveTargetsAsync(cancellationToken);
        }
        catch (MigrationException e)
        {
            diagnostics.Add(e.Diagnostic);
            return Result(diagnostics, []);
        }

        // Reading the files once here lets every target's run find them read (the catalog keeps them per source).
        MigrationCatalog.LoadWithNotes(source, Discovery.ProviderTags.Normalize(options.Provider) ?? options.Provider);

        await using var pool = Providers.Postgres.PostgresTargetPool.For(options, targets);
        var results = new MigrationTargetResult?[targets.Count];
        using var slots = new SemaphoreSlim(Math.Max(1, options.MaxParallelism));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var done = 0;
        var tasks = targets.Select(async (target, index) =>
        {
            try
            {
                await slots.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Fail-fast, or Ctrl+C: a target not started yet is left untouched.
                results[index] = Skipped(target);
                return;
            }

            try
            {
                if (stop.IsCancellationRequested)
                {
                    results[index] = Skipped(target);
                    return;
                }

                var clock = Stopwatch.StartNew();
                var run = new MigrationRun(source, options.ForTarget(target, pool), new RunLog(new TargetLogger(logger, target.Name)));
                var result = await run.ExecuteAsync(cancellationToken);
                var outcome = new MigrationTargetResult(target.Name, result, EndVersion(result), clock.ElapsedMilliseconds);
                results[index] = outcome;
                _log.TargetDone(Interlocked.Increment(ref done), targets.Count, Progress(outcome));
                if (!result.Succeeded && options.FailFast)
                {
                    await stop.CancelAsync();
                }
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks);

        var all = results.Select((r, i) => r ?? Skipped(targets[i])).ToList();
        if (cancellationToken.IsCancellationRequested)
        {
            diagnostics.Add(Errors.Cancelled());
        }

        foreach (var target in all)
        {
            diagnostics.AddRange(target.Result.Diagnostics.Select(d => d with { Message = $"[{target.Name}] {d.Message}" }));
        }

        Summarize(all);
        return Result(diagnostics, all);
    }

    private MigrationResult Result(List<MigrationDiagnostic> diagnostics, IReadOnlyList<MigrationTargetResult> targets) => new()
    {
        Mode = options.Mode,
        Module = options.Module,
        Provider = Discovery.ProviderTags.Normalize(options.Provider) ?? options.Provider,
        Diagnostics = diagnostics,
        Targets = targets,
    };

    private MigrationTargetResult Skipped(MigrationTarget target) =>
        new(target.Name, new MigrationResult { Mode = options.Mode, Module = options.Module, Provider = options.Provider }, null, 0) { Skipped = true };

    /// <summary>The configured targets and the query's rows, each once, then this process's shard of them.</summary>
    private async Task<IReadOnlyList<MigrationTarget>> ResolveTargetsAsync(CancellationToken cancellationToken)
    {
        var targets = new List<MigrationTarget>(options.Targets);
        if (!string.IsNullOrWhiteSpace(options.TargetsQuery))
        {
            targets.AddRange(await QueryTargetsAsync(cancellationToken));
        }

        if (options.MaxParallelism < 1)
        {
            throw new MigrationException(Errors.InvalidTargets($"MaxParallelism is {options.MaxParallelism}"));
        }

        var duplicate = targets.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException(Errors.InvalidTargets($"target '{duplicate.Key}' is named {duplicate.Count()} times"));
        }

        var sqlite = Discovery.ProviderTags.Normalize(options.Provider) == Discovery.ProviderTags.Sqlite;
        foreach (var target in targets.Where(t => t.ConnectionString is null))
        {
            if (sqlite)
            {
                throw new MigrationException(Errors.InvalidTargets($"SQLite target '{target.Name}' names no database file (SQLite has no schemas)"));
            }

            Identifiers.Require(target.Schema ?? target.Name, "target schema");
        }

        var total = targets.Count;
        if (options.TargetShard is { } shardText && !string.IsNullOrWhiteSpace(shardText))
        {
            var (shard, shards) = ParseShard(shardText);
            targets = [.. targets.Where(t => StableHash(t.Name) % (uint)shards == shard)];
        }

        _log.TargetsFound(targets.Count, total, string.IsNullOrWhiteSpace(options.TargetShard) ? null : options.TargetShard.Trim());
        return targets;
    }

    private async Task<IEnumerable<MigrationTarget>> QueryTargetsAsync(CancellationToken cancellationToken)
    {
        var provider = ProviderFactory.Create(options.ForTargetsQuery());
        IReadOnlyList<string> rows;
        try
        {
            await using var session = await provider.OpenAsync(readOnly: true, cancellationToken)
                ?? throw new MigrationException(Errors.TargetsQueryFailed($"{provider.Target} does not exist"));
            rows = await session.QueryColumnAsync(options.TargetsQuery!, cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.PostgresException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new MigrationException(Errors.TargetsQueryFailed(e.Message));
        }

        // PostgreSQL rows are schema names; SQLite rows are database files.
        return provider.Name == Discovery.ProviderTags.Postgres
            ? rows.Select(name => new MigrationTarget(name.Trim()))
            : rows.Select(path => new MigrationTarget(Path.GetFileNameWithoutExtension(path.Trim())) { ConnectionString = $"Data Source={path.Trim()}" });
    }

    private static (uint Shard, int Shards) ParseShard(string text)
    {
        var parts = text.Trim().Split('/');
        return parts.Length == 2 && uint.TryParse(parts[0], CultureInfo.InvariantCulture, out var shard) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var shards)
            && shards > 0 && shard < shards
                ? (shard, shards)
                : throw new MigrationException(Errors.InvalidTargets($"TargetShard '{text}' is not i/n with 0 <= i < n"));
    }

    /// <summary>FNV-1a over the name's UTF-8 bytes: the same on every machine and every run, unlike string.GetHashCode.</summary>
    internal static uint StableHash(string name)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    private static string? EndVersion(MigrationResult result) =>
        result.Migrations.Where(m => m.State is MigrationState.Applied or MigrationState.AppliedNow or MigrationState.Baselined && !m.Version.StartsWith(MigrationFileName.RepeatablePrefix, StringComparison.Ordinal))
            .Select(m => m.Version).LastOrDefault() ?? result.StartVersion;

    private string Progress(MigrationTargetResult target)
    {
        var result = target.Result;
        var versions = $"{result.StartVersion ?? "none"} -> {target.EndVersion ?? "none"}";
        if (result.Drift.Count > 0)
        {
            return $"{target.Name}: drifted, {result.Drift.Count} difference(s) ({target.ElapsedMs} ms)";
        }

        if (!result.Succeeded)
        {
            return $"{target.Name}: failed ({result.Errors[0].Code}), {versions} ({target.ElapsedMs} ms)";
        }

        return options.Mode switch
        {
            MigrationMode.Drift => $"{target.Name}: no drift at {result.StartVersion ?? "none"} ({target.ElapsedMs} ms)",
            MigrationMode.Verify or MigrationMode.Preview or MigrationMode.Info => $"{target.Name}: {result.StartVersion ?? "none"}, {result.PendingCount} pending{(result.PendingCount > 0 ? " (behind)" : "")} ({target.ElapsedMs} ms)",
            _ => $"{target.Name}: {versions}, {result.AppliedNowCount} applied ({target.ElapsedMs} ms)",
        };
    }

    /// <summary>The summary table; past fifty targets, the rows that need attention only (all rows at -v:d).</summary>
    private void Summarize(IReadOnlyList<MigrationTargetResult> targets)
    {
        string Status(MigrationTargetResult t) => t.Skipped ? "skipped" : t.Result.Drift.Count > 0 ? $"drifted ({t.Result.Drift.Count})"
            : !t.Result.Succeeded ? $"failed ({t.Result.Errors[0].Code})"
            : t.Result.PendingCount > 0 && options.Mode != MigrationMode.Apply ? $"behind ({t.Result.PendingCount} pending)" : "ok";

        var rows = targets.Select(t => (Target: t, Cells: new[]
        {
            t.Name, t.Result.StartVersion ?? "none", t.Skipped ? "-" : t.EndVersion ?? "none",
            t.Result.AppliedNowCount.ToString(CultureInfo.InvariantCulture), $"{t.ElapsedMs} ms", Status(t),
        })).ToList();
        string[] header = ["Target", "Before", "After", "Applied", "Time", "Result"];
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Select(r => r.Cells[c].Length).Append(header[c].Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((cell, c) => c == cells.Length - 1 ? cell : cell.PadRight(widths[c])));

        var folded = targets.Count > FullTableUpTo;
        _log.TargetRow(Line(header), detail: false);
        foreach (var (target, cells) in rows)
        {
            _log.TargetRow(Line(cells), detail: folded && Status(target) == "ok");
        }

        var drifted = targets.Count(t => t.Result.Drift.Count > 0);
        var failed = targets.Count(t => !t.Skipped && !t.Result.Succeeded) - drifted;
        var skipped = targets.Count(t => t.Skipped);
        var behind = targets.Count(t => t.Result.Succeeded && !t.Skipped && t.Result.PendingCount > 0 && options.Mode != MigrationMode.Apply);
        _log.TargetRow($"{targets.Count} target(s): {targets.Count - failed - skipped - behind - drifted} ok, {(behind > 0 ? $"{behind} behind, " : "")}{(drifted > 0 ? $"{drifted} drifted, " : "")}{failed} failed, {skipped} skipped; "
            + $"{targets.Sum(t => t.Result.AppliedNowCount)} migration(s) applied{(folded ? " (every row with -v:d)" : "")}", detail: false);
    }

    /// <summary>A target's own run logs at Debug with the target's name; its heartbeat stays visible.</summary>
    private sealed class TargetLogger(ILogger inner, string target) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(LogLevel.Debug);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            message = message.StartsWith("[MIGRATE] ", StringComparison.Ordinal) ? $"[MIGRATE] {target}: {message[10..]}" : $"{target}: {message}";
            var heartbeat = eventId.Id == RunLog.Heartbeat.Id;
            inner.Log(heartbeat ? logLevel : LogLevel.Debug, heartbeat ? eventId : RunLog.Step, message, null, static (m, _) => m);
        }
    }
}
