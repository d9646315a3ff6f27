namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// The file's <c>-- omb:disable OMB6003[, OMB6007] reason: why</c> comments. A comment without a reason, or naming a
/// code that is not a lint rule, turns nothing off and is itself a finding (OMB6000).
/// </summary>
internal static class LintSuppressions
{
    private const string Directive = "omb:disable";

    public static IReadOnlyDictionary<string, string> Read(LintContext context, string text)
    {
        var reasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!text.Contains(Directive, StringComparison.OrdinalIgnoreCase))
        {
            return reasons;
        }

        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            var trimmed = line.AsSpan().Trim();
            if (!trimmed.StartsWith("--"))
            {
                continue;
            }

            var comment = trimmed[2..].Trim().ToString();
            if (!comment.StartsWith(Directive, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var body = comment[Directive.Length..];
            var reasonAt = body.IndexOf("reason:", StringComparison.OrdinalIgnoreCase);
            var reason = reasonAt < 0 ? "" : body[(reasonAt + "reason:".Length)..].Trim();
            var codes = (reasonAt < 0 ? body : body[..reasonAt]).Split([' ', ',', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            var unknown = codes.Where(c => LintRules.Find(c) is not { } rule || !rule.Code.Equals(c, StringComparison.OrdinalIgnoreCase)).ToList();
            if (codes.Length == 0 || unknown.Count > 0 || reason.Length == 0)
            {
                var problem = codes.Length == 0 ? "names no lint code"
                    : unknown.Count > 0 ? $"names {string.Join(", ", unknown)}, which {(unknown.Count == 1 ? "is" : "are")} not a lint code"
                    : "gives no reason";
                context.ReportAtLine(LintRules.SuppressionWithoutReason, lineNumber, $"This '-- {Directive}' comment {problem}");
                continue;
            }

            foreach (var code in codes)
            {
                reasons[code] = reason;
            }
        }

        return reasons;
    }
}
