using System.Collections.Concurrent;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Runner;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// Validation's split and lint, overlapped: one thread splits the files in order while the linter reads the ones
/// already split, so a build that validates 2,000 migrations pays for lint little more than for the split alone.
/// </summary>
internal static class LintPipeline
{
    public static (IReadOnlyList<MigrationDiagnostic> SplitErrors, IReadOnlyList<LintFinding> Findings) SplitAndLint(IReadOnlyList<MigrationScript> scripts, string provider)
    {
        using var split = new BlockingCollection<(MigrationScript, IReadOnlyList<SqlStatement>)>(boundedCapacity: 256);
        var errors = new List<MigrationDiagnostic>();
        var splitter = Task.Run(() =>
        {
            try
            {
                for (var i = 0; i < scripts.Count; i++)
                {
                    var (ok, problems) = MigrationPreparer.CheckStatements([scripts[i]], provider);
                    errors.AddRange(problems);
                    foreach (var item in ok)
                    {
                        split.Add(item);
                    }
                }
            }
            finally
            {
                split.CompleteAdding();
            }
        });

        var findings = MigrationLinter.Lint(split.GetConsumingEnumerable(), provider);
        splitter.GetAwaiter().GetResult();
        return (errors, findings);
    }
}
