using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// Reads a migration set in the order it applies (versioned, then repeatable) and returns every rule's findings,
/// with the file's own suppressions marked. No database: what existed before a migration is what the earlier ones created.
/// </summary>
internal static class MigrationLinter
{
    public static IReadOnlyList<LintFinding> Lint(IEnumerable<MigrationScript> scripts, string provider) =>
        Lint(Runner.MigrationPreparer.CheckStatements(scripts, provider).Split, provider);

    /// <summary>Lints scripts already split (validation splits each file once, for its own check and for lint).</summary>
    public static IReadOnlyList<LintFinding> Lint(IEnumerable<(MigrationScript Script, IReadOnlyList<SqlStatement> Statements)> scripts, string provider)
    {
        var dialect = provider == ProviderTags.Postgres ? SqlDialect.Postgres : SqlDialect.Sqlite;
        var context = new LintContext();
        var words = new LintWords();
        var tokens = new List<LintToken>();
        var suppressed = new List<(int From, IReadOnlyDictionary<string, string> Reasons)>();
        foreach (var (script, statements) in scripts.Where(s => !s.Script.Placeholder))
        {
            context.BeginMigration(script);
            var from = context.Findings.Count;
            var reasons = LintSuppressions.Read(context, script.Text);
            foreach (var statement in statements.Where(StatementRules.MayMatter))
            {
                context.BeginStatement(statement);
                StatementRules.Check(context, new StatementReader(LintTokenizer.Tokenize(statement, dialect, words, tokens)), provider);
            }

            context.EndMigration(provider);
            suppressed.Add((from, reasons));
        }

        return Suppress(context.Findings, suppressed);
    }

    private static List<LintFinding> Suppress(IReadOnlyList<LintFinding> findings, List<(int From, IReadOnlyDictionary<string, string> Reasons)> files)
    {
        var result = new List<LintFinding>(findings.Count);
        for (var f = 0; f < files.Count; f++)
        {
            var end = f + 1 < files.Count ? files[f + 1].From : findings.Count;
            for (var i = files[f].From; i < end; i++)
            {
                var finding = findings[i];
                result.Add(files[f].Reasons.TryGetValue(finding.Code, out var reason) ? finding with { SuppressedBecause = reason } : finding);
            }
        }

        return result;
    }
}
