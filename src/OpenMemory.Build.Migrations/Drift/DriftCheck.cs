using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Runner;

namespace OpenMemory.Build.Migrations.Drift;

/// <summary>
/// Drift: applies the migrations the history records to a scratch copy with the engine's own Apply, reads both
/// catalogs and compares them. The target is only read; the scratch is removed on every path.
/// </summary>
internal static class DriftCheck
{
    // Tables of the tools' own bookkeeping, never compared.
    private static readonly string[] HistoryTables = [HistoryTable.Name, FlywayHistory.TableName];

    public static async Task<(IReadOnlyList<DriftDifference> Differences, IReadOnlyList<MigrationDiagnostic> Diagnostics)> RunAsync(
        IMigrationSource source, MigrationOptions options, DatabaseProvider provider, DatabaseSession? target, MigrationPlan plan,
        DriftBaseline baseline, IReadOnlyList<string> otherModules, RunLog log, CancellationToken cancellationToken)
    {
        var recorded = plan.Records.Where(r => r.State is MigrationState.Applied or MigrationState.Baselined).Select(r => r.FileName).ToHashSet(StringComparer.Ordinal);
        var skipped = new List<string>();
        var diagnostics = new List<MigrationDiagnostic>();
        var excluded = HistoryTables.ToHashSet(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(options.LegacyHistoryTable))
        {
            excluded.Add(options.LegacyHistoryTable); // OpenMemory's schema_version: another tool's bookkeeping.
        }

        ScratchDatabase? scratch = await ScratchDatabase.CreateAsync(options, provider.Name, cancellationToken);
        try
        {
            while (true)
            {
                var files = source.GetFiles().Where(f => recorded.Contains(f.FileName) && !skipped.Contains(f.FileName)).ToList();
                var run = await new MigrationRun(new ListedSource(source.Description, files), scratch.Options, RunLog.Quiet).ExecuteAsync(cancellationToken);
                if (run.Succeeded)
                {
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var failed = run.Migrations.FirstOrDefault(m => m.State == MigrationState.Failed);
                var error = run.Errors[0];
                if (!baseline.Exists || failed is null)
                {
                    diagnostics.Add(Errors.DriftScratchFailed(error.File ?? source.Description, error.Line, error.Column, failed?.Version ?? "?", error.Message));
                    return ([], diagnostics);
                }

                // With a baseline the files do not build, a migration that needs it cannot run on the copy: it is left
                // unchecked, and the copy starts again from nothing without it.
                skipped.Add(failed.FileName);
                await scratch.DisposeAsync();
                scratch = null;
                scratch = await ScratchDatabase.CreateAsync(options, provider.Name, cancellationToken);
            }

            // Other modules' objects share the schema: only this module's objects, and what was added inside them, are compared.
            if (otherModules.Count > 0)
            {
                log.DriftSharedWith(otherModules);
            }

            var partial = baseline.NotBuiltByFiles || skipped.Count > 0;
            return await CompareAsync(options, provider, target, scratch, excluded, partial || otherModules.Count > 0, partial, skipped, recorded.Count, diagnostics, log, cancellationToken);
        }
        finally
        {
            if (scratch is not null)
            {
                await scratch.DisposeAsync();
            }
        }
    }

    private static async Task<(IReadOnlyList<DriftDifference> Differences, IReadOnlyList<MigrationDiagnostic> Diagnostics)> CompareAsync(
        MigrationOptions options, DatabaseProvider provider, DatabaseSession? target, ScratchDatabase scratch, IReadOnlySet<string> excluded,
        bool onlyOwnObjects, bool partial, List<string> skipped, int recorded, List<MigrationDiagnostic> diagnostics, RunLog log, CancellationToken cancellationToken)
    {
        await using var scratchSession = await ProviderFactory.Create(scratch.Options).OpenAsync(readOnly: true, cancellationToken)
            ?? throw new MigrationException(Errors.DriftScratchUnavailable("the scratch database vanished"));
        var expected = Rename(await scratchSession.ReadSchemaAsync(excluded, !scratch.SameDatabase, cancellationToken), scratch.RenamedSchema, options.Schema);
        var actual = target is null ? [] : await target.ReadSchemaAsync(excluded, !scratch.SameDatabase, cancellationToken);
        var prefix = provider is Providers.Postgres.PostgresProvider postgres ? postgres.Schema + "." : "";
        var differences = SchemaComparer.Compare(expected, actual, options.DriftIgnore, onlyExpectedObjects: onlyOwnObjects, prefix);
        if (partial)
        {
            diagnostics.Add(Errors.DriftPartlyChecked(skipped));
        }

        diagnostics.AddRange(differences.Select(Drifted));
        log.DriftChecked(differences.Count, expected.Count, recorded - skipped.Count);
        return (differences, diagnostics);
    }

    /// <summary>OMB7001-OMB7011, one code per kind of object (<see cref="SchemaKinds.Code"/>); docs/errors.md lists them.</summary>
    private static MigrationDiagnostic Drifted(DriftDifference difference) => new(difference.Code, DiagnosticSeverity.Error,
        $"{difference}. Bring the database back in line with a new migration, or, if the change is meant to stay, write it as a migration; MigrationDriftIgnore leaves out objects other tools own.");

    // In a temporary schema the definitions name it where they name the target schema.
    private static IReadOnlyList<SchemaObject> Rename(IReadOnlyList<SchemaObject> objects, string? scratchSchema, string? schema) =>
        scratchSchema is null || string.IsNullOrWhiteSpace(schema)
            ? objects
            : objects.Select(o => o with { Definition = o.Definition.Replace(scratchSchema, schema.Trim(), StringComparison.Ordinal) }).ToList();

    private sealed class ListedSource(string description, IReadOnlyList<MigrationSourceFile> files) : IMigrationSource
    {
        public string Description => description;

        public IReadOnlyList<MigrationSourceFile> GetFiles() => files;
    }
}

/// <summary>Whether the database has a baseline, and whether its migration files leave it unbuilt.</summary>
internal sealed record DriftBaseline(bool Exists, bool NotBuiltByFiles);
