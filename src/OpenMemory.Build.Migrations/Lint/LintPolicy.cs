using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// Decides how each finding is reported: which rules run (<c>MigrationLintRules</c>), a rule's own severity
/// (<c>MigrationLintRule</c> items, like .editorconfig), the level (<c>MigrationLintLevel</c>), and the MSBuild
/// switches .NET users already use: <c>NoWarn</c>, <c>TreatWarningsAsErrors</c>, <c>WarningsAsErrors</c>, <c>WarningsNotAsErrors</c>.
/// </summary>
internal sealed class LintPolicy
{
    private readonly HashSet<string> _included = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _excluded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, DiagnosticSeverity?> _ruleSeverity = new(StringComparer.OrdinalIgnoreCase);

    public bool LevelIsError { get; init; }

    public bool TreatWarningsAsErrors { get; init; }

    public IReadOnlySet<string> NoWarn { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> WarningsAsErrors { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> WarningsNotAsErrors { get; init; } = new HashSet<string>();

    /// <summary>Codes from an MSBuild list (<c>OMB6001;CS1591,OMB6003</c>), upper-cased.</summary>
    public static IReadOnlySet<string> Codes(string? list) =>
        (list ?? "").Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>OMB6001;add-required-column</c> runs only those; <c>-OMB6011</c> runs all but that one.</summary>
    public IReadOnlyList<MigrationDiagnostic> SelectRules(string? list)
    {
        var problems = new List<MigrationDiagnostic>();
        foreach (var entry in Codes(list))
        {
            var exclude = entry.StartsWith('-');
            var name = exclude ? entry[1..] : entry;
            var rule = LintRules.Find(name);
            if (rule is null)
            {
                problems.Add(Errors.InvalidLintSetting("MigrationLintRules entry", entry, "name a lint rule by code (OMB6001) or name (index-blocks-writes), with '-' in front to leave it out; README lists the rules"));
                continue;
            }

            (exclude ? _excluded : _included).Add(rule.Code);
        }

        return problems;
    }

    /// <summary>A rule's own severity: none, warning or error.</summary>
    public MigrationDiagnostic? SetRuleSeverity(string rule, string severity)
    {
        var found = LintRules.Find(rule);
        if (found is null)
        {
            return Errors.InvalidLintSetting("MigrationLintRule item", rule, "name a lint rule by code (OMB6001) or name; README lists the rules");
        }

        switch (severity.Trim().ToLowerInvariant())
        {
            case "none":
                _ruleSeverity[found.Code] = null;
                return null;
            case "warning":
                _ruleSeverity[found.Code] = DiagnosticSeverity.Warning;
                return null;
            case "error":
                _ruleSeverity[found.Code] = DiagnosticSeverity.Error;
                return null;
            default:
                return Errors.InvalidLintSetting($"Severity of MigrationLintRule {found.Code}", severity, "use none, warning or error");
        }
    }

    /// <summary>The severity to report the finding with, or null when it is not reported.</summary>
    public DiagnosticSeverity? SeverityOf(LintFinding finding)
    {
        if (!finding.IsReported || (_included.Count > 0 && !_included.Contains(finding.Code)) || _excluded.Contains(finding.Code))
        {
            return null;
        }

        var severity = finding.Severity;
        if (_ruleSeverity.TryGetValue(finding.Code, out var own))
        {
            if (own is null)
            {
                return null;
            }

            severity = own.Value;
        }

        if (severity == DiagnosticSeverity.Error)
        {
            return severity;
        }

        if (NoWarn.Contains(finding.Code))
        {
            return null;
        }

        var promoted = LevelIsError || WarningsAsErrors.Contains(finding.Code) || (TreatWarningsAsErrors && !WarningsNotAsErrors.Contains(finding.Code));
        return promoted ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
    }
}
