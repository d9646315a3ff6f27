using System.Text.RegularExpressions;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// dbmate's single-file layout: <c>-- migrate:up</c> and <c>-- migrate:down</c> sections. The up section is the
/// migration; the rest of the file is blanked line by line, so statements keep their line numbers.
/// </summary>
internal static partial class DbmateSections
{
    public sealed record UpSection(string Text, bool NoTransaction, bool HasDown);

    /// <summary>The <c>-- migrate:down</c> section, blanked the same way; null when the file has none.</summary>
    public static UpSection? TryFindDown(string text) => TryFind(text, "down");

    public static UpSection? TryFind(string text) => TryFind(text, "up");

    private static UpSection? TryFind(string text, string wanted)
    {
        // A vectorized look first: most files are not dbmate's, and a pg_dump file can be tens of megabytes.
        if (!text.AsSpan().ContainsAny(MarkerWord))
        {
            return null;
        }

        var markers = Marker().Matches(text);
        if (markers.Count == 0 || !markers.Any(m => m.Groups["kind"].Value.Equals(wanted, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var lines = text.Split('\n');
        var inUp = false;
        var noTransaction = false;
        var hasDown = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = Marker().Match(lines[i]);
            if (marker.Success)
            {
                inUp = marker.Groups["kind"].Value.Equals(wanted, StringComparison.OrdinalIgnoreCase);
                hasDown |= marker.Groups["kind"].Value.Equals("down", StringComparison.OrdinalIgnoreCase);
                noTransaction |= inUp && TransactionFalse().IsMatch(marker.Groups["options"].Value);
                lines[i] = "";
                continue;
            }

            if (!inUp)
            {
                lines[i] = "";
            }
        }

        return new UpSection(string.Join('\n', lines), noTransaction, hasDown);
    }

    private static readonly System.Buffers.SearchValues<string> MarkerWord = System.Buffers.SearchValues.Create(["migrate:"], StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^--\s*migrate:(?<kind>up|down)\b(?<options>[^\n]*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex Marker();

    [GeneratedRegex(@"\btransaction\s*:\s*false\b", RegexOptions.IgnoreCase)]
    private static partial Regex TransactionFalse();
}
