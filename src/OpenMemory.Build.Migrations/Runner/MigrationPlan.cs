using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>The files set against the module's history: what is applied, what is pending, and what is wrong.</summary>
internal sealed class MigrationPlan
{
    public required IReadOnlyList<MigrationRecord> Records { get; init; }

    public required IReadOnlyList<MigrationScript> Pending { get; init; }

    /// <summary>Migrations at or below the baseline version, to record without running.</summary>
    public required IReadOnlyList<MigrationScript> ToBaseline { get; init; }

    public required IReadOnlyList<MigrationDiagnostic> Problems { get; init; }

    public required string? CurrentVersion { get; init; }

    public static MigrationPlan Create(
        IReadOnlyList<MigrationScript> scripts,
        IReadOnlyList<AppliedMigration> history,
        MigrationOptions options,
        MigrationVersion? baseline,
        IReadOnlyList<MigrationScript>? repeatables = null)
    {
        var applied = new Dictionary<string, AppliedMigration>();
        foreach (var row in history)
        {
            applied.TryAdd(row.ParsedVersion?.Key ?? row.Version, row);
        }

        var highest = history.Select(r => r.ParsedVersion).OfType<MigrationVersion>().DefaultIfEmpty().Max();
        var records = new List<(MigrationVersion? Version, MigrationRecord Record)>();
        var pending = new List<MigrationScript>();
        var toBaseline = new List<MigrationScript>();
        var problems = new List<MigrationDiagnostic>();
        var seen = new HashSet<string>();

        foreach (var script in scripts)
        {
            seen.Add(script.Version.Key);
            if (applied.TryGetValue(script.Version.Key, out var row))
            {
                records.Add((script.Version, ForApplied(script, row, problems)));
                continue;
            }

            if (history.Count == 0 && baseline is not null && script.Version <= baseline)
            {
                toBaseline.Add(script);
                records.Add((script.Version, new MigrationRecord(script.Id, script.FileName, script.Checksum,
                    MigrationState.Baselined, null, null, script.Description)));
                continue;
            }

            var outOfOrder = highest is not null && script.Version < highest;
            if (outOfOrder && !options.AllowOutOfOrder)
            {
                problems.Add(Errors.OutOfOrder(script.Path, script.Id, highest!.Text));
            }
            else if (options.FailOnPending && options.Mode == MigrationMode.Verify)
            {
                problems.Add(Errors.PendingNotAllowed(script.Path, script.Id));
            }

            pending.Add(script);
            records.Add((script.Version, new MigrationRecord(script.Id, script.FileName, script.Checksum,
                outOfOrder ? MigrationState.OutOfOrder : MigrationState.Pending, null, null, script.Description)));
        }

        // Repeatables run after every versioned migration, in name order, whenever their checksum differs from their
        // last run: a changed repeatable is pending, never OMB3001.
        var repeatableRecords = new List<MigrationRecord>();
        foreach (var script in repeatables ?? [])
        {
            seen.Add(script.Id);
            var last = applied.GetValueOrDefault(script.Id);
            if (last is not null && string.Equals(last.Checksum, script.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                repeatableRecords.Add(new MigrationRecord(script.Id, script.FileName, script.Checksum, MigrationState.Applied, last.AppliedAt,
                    last.ExecutionTimeMs, script.Description, last.Checksum));
                continue;
            }

            if (options.FailOnPending && options.Mode == MigrationMode.Verify)
            {
                problems.Add(Errors.PendingNotAllowed(script.Path, script.Id));
            }

            pending.Add(script);
            repeatableRecords.Add(new MigrationRecord(script.Id, script.FileName, script.Checksum,
                last is null ? MigrationState.Pending : MigrationState.RepeatableChanged, last?.AppliedAt, last?.ExecutionTimeMs, script.Description, last?.Checksum));
        }

        foreach (var row in history.Where(r => !seen.Contains(r.ParsedVersion?.Key ?? r.Version)))
        {
            var record = new MigrationRecord(row.Version, row.FileName, null, MigrationState.Missing, row.AppliedAt, row.ExecutionTimeMs, row.Description, row.Checksum);
            if (row.Kind == AppliedMigration.KindRepeatable)
            {
                // A repeatable whose file is gone (a view dropped later, say) is history, not an error.
                repeatableRecords.Add(record);
                continue;
            }

            problems.Add(Errors.AppliedMigrationMissing(options.Module, row.Version, row.FileName));
            records.Add((row.ParsedVersion, record));
        }

        return new MigrationPlan
        {
            Records = [.. InVersionOrder(records), .. repeatableRecords],
            Pending = pending,
            ToBaseline = toBaseline,
            Problems = problems,
            CurrentVersion = highest?.Text,
        };
    }

    /// <summary>
    /// The records by version. The scripts come in version order, so the records only need sorting when history rows
    /// of missing files were added (or a version is unreadable); LINQ's sort of these pairs costs a cold build its compilation.
    /// </summary>
    private static List<MigrationRecord> InVersionOrder(List<(MigrationVersion? Version, MigrationRecord Record)> records)
    {
        var inOrder = true;
        for (var i = 0; i < records.Count && inOrder; i++)
        {
            inOrder = records[i].Version is { } version && (i == 0 || records[i - 1].Version! <= version);
        }

        if (!inOrder)
        {
            return [.. records.OrderBy(r => r.Version).Select(r => r.Record)];
        }

        var ordered = new List<MigrationRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            ordered.Add(records[i].Record);
        }

        return ordered;
    }

    private static MigrationRecord ForApplied(MigrationScript script, AppliedMigration row, List<MigrationDiagnostic> problems)
    {
        if (!string.Equals(row.Checksum, script.Checksum, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(Errors.ModifiedAfterApplied(script.Path, script.Id, row.Checksum, script.Checksum, script.HasDownSection));
            return new MigrationRecord(script.Id, script.FileName, script.Checksum, MigrationState.Modified,
                row.AppliedAt, row.ExecutionTimeMs, script.Description, row.Checksum);
        }

        if (!string.Equals(row.FileName, script.FileName, StringComparison.Ordinal))
        {
            problems.Add(Errors.RenamedAppliedMigration(script.Path, script.Id, row.FileName));
        }

        var state = row.Kind == AppliedMigration.KindBaselined ? MigrationState.Baselined : MigrationState.Applied;
        return new MigrationRecord(script.Id, script.FileName, script.Checksum, state, row.AppliedAt,
            row.ExecutionTimeMs, script.Description, row.Checksum);
    }
}
