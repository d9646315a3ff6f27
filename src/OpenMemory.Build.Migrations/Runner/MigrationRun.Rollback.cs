using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>A rollback: checked in full first, then newest first, each down script with its history row's removal.</summary>
internal sealed partial class MigrationRun
{
    private async Task RollbackAsync(DatabaseSession? session, MigrationPlan plan, IReadOnlyList<MigrationScript> scripts,
        IReadOnlyList<AppliedMigration> history, MigrationVersion target, CancellationToken cancellationToken)
    {
        // An applied file that was edited may no longer match what its down script undoes.
        _diagnostics.AddRange(plan.Problems.Where(p => p.Code == "OMB3001"));
        var (steps, problems) = RollbackPlan.Create(scripts, history, options.Module, target);
        _diagnostics.AddRange(problems);
        if (HasErrors)
        {
            return;
        }

        var (downs, prepareDiagnostics) = PendingMigrations.Prepare([.. steps.Select(s => s.Down)], _provider!);
        _diagnostics.AddRange(prepareDiagnostics);
        if (HasErrors)
        {
            return;
        }

        var work = steps.Zip(downs, (step, down) => (step.Migration, Down: down, Entry: HistoryEntry.Rollback(options.Module, step.Migration))).ToList();
        switch (options.Mode)
        {
            case MigrationMode.Verify:
                log.RollbackVerified(target.Text, work.Count);
                return;
            case MigrationMode.Preview:
                foreach (var (migration, down, _) in work)
                {
                    log.PendingItem(down.Script);
                }

                WritePreviewScript([], [.. work.Select(w => (w.Down, w.Entry))]);
                log.PreviewWritten(work.Count, options.PreviewFile);
                return;
        }

        var run = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (migration, down, entry) in work)
        {
            log.RollingBack(migration);
            var started = System.Diagnostics.Stopwatch.StartNew();
            if (await RunOneAsync(session!, down, entry, migration,
                    (e, line, column) => Errors.RollbackFailed(down.Script.Path, line, column, migration.Id, e.DatabaseMessage), cancellationToken) is null)
            {
                return;
            }

            log.RolledBack(migration, started.ElapsedMilliseconds);
            SetState(migration, MigrationState.RolledBack, started.ElapsedMilliseconds);
        }

        log.RollbackCompleted(work.Count, plan.CurrentVersion, target.Key == "0" ? null : target.Text, run.ElapsedMilliseconds);
    }
}
