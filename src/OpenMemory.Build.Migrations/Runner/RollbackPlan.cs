using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.History;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>One step of a rollback: an applied migration and the down script that undoes it.</summary>
internal sealed record RollbackStep(MigrationScript Migration, MigrationScript Down);

/// <summary>
/// What a rollback to a version undoes, newest first, or every reason it cannot: all of them at once, before
/// anything runs.
/// </summary>
internal static class RollbackPlan
{
    public static (IReadOnlyList<RollbackStep> Steps, IReadOnlyList<MigrationDiagnostic> Problems) Create(
        IReadOnlyList<MigrationScript> scripts, IReadOnlyList<AppliedMigration> history, string module, MigrationVersion target)
    {
        var versioned = history.Where(r => r.Kind != AppliedMigration.KindRepeatable && r.ParsedVersion is not null).ToList();
        var everything = target.Key == "0";
        if (!everything && !versioned.Any(r => r.ParsedVersion!.Equals(target)))
        {
            return ([], [Errors.RollbackTargetNotApplied(module, target.Text)]);
        }

        var problems = new List<MigrationDiagnostic>();
        var newer = versioned.Where(r => r.ParsedVersion! > target).OrderByDescending(r => r.ParsedVersion).ToList();
        var baselined = newer.Where(r => r.Kind == AppliedMigration.KindBaselined).Select(r => r.Version).ToList();
        if (baselined.Count > 0)
        {
            problems.Add(Errors.RollbackOfBaselined(module, baselined));
        }

        var byVersion = scripts.ToDictionary(s => s.Version.Key);
        var steps = new List<RollbackStep>();
        var missing = new List<string>();
        string? firstMissing = null;
        foreach (var row in newer.Where(r => r.Kind != AppliedMigration.KindBaselined))
        {
            if (!byVersion.TryGetValue(row.ParsedVersion!.Key, out var script))
            {
                problems.Add(Errors.AppliedMigrationMissing(module, row.Version, row.FileName));
                continue;
            }

            MigrationScript? down;
            try
            {
                down = MigrationCatalog.ReadDown(script);
            }
            catch (MigrationException e)
            {
                problems.Add(e.Diagnostic);
                continue;
            }

            if (down is null)
            {
                missing.Add(ExpectedDown(script));
                firstMissing ??= script.Path;
                continue;
            }

            if (script.NoTransaction && !down.NoTransaction)
            {
                problems.Add(Errors.RollbackDownNeedsNoTransaction(down.Path, script.Id, down.FileName));
            }

            steps.Add(new RollbackStep(script, down));
        }

        if (missing.Count > 0)
        {
            problems.Insert(0, Errors.RollbackDownScriptsMissing(firstMissing!, missing));
        }

        return (steps, problems);
    }

    // Where the down script of a migration would be: "003_tags.sql" -> "003_tags.down.sql", "x.up.sql" -> "x.down.sql".
    private static string ExpectedDown(MigrationScript script) =>
        script.HasDownSection || script.FileName.EndsWith(".up.sql", StringComparison.OrdinalIgnoreCase)
            ? script.FileName.EndsWith(".up.sql", StringComparison.OrdinalIgnoreCase) ? script.FileName[..^".up.sql".Length] + ".down.sql" : $"a '-- migrate:down' section in {script.FileName}"
            : script.FileName[..^".sql".Length] + ".down.sql";
}
