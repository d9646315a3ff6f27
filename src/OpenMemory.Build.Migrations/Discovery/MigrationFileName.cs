using System.Globalization;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>Whether a file is one half of an up/down pair (golang-migrate, sqlx, pop) or a plain migration.</summary>
internal enum MigrationDirection
{
    Plain,
    Up,
    Down,
}

/// <summary>
/// What a migration's file name says: version, description, provider, direction and whether it runs outside a
/// transaction. Accepted: <c>001_name.sql</c>, <c>V1__name.sql</c> (and <c>V1_2__name.sql</c> for 1.2),
/// <c>1.2.0_name.sql</c>, <c>20250101120000_name.sql</c>, each optionally with a provider before the extension
/// (<c>1.2.0_name.sqlite.sql</c>); and the up/down pairs of golang-migrate, sqlx and pop:
/// <c>20150100000001000000_networks.postgres.up.sql</c>, <c>..._networks.down.sql</c>, pop's
/// <c>..._name.postgres.autocommit.up.sql</c>.
/// </summary>
internal sealed record MigrationFileName(MigrationVersion Version, string Description, string? ProviderTag,
    MigrationDirection Direction = MigrationDirection.Plain, bool Autocommit = false, string? RepeatableName = null)
{
    private const string AutocommitTag = "autocommit";

    /// <summary>A repeatable's version in the history table: <c>R__views</c> for <c>R__views.sql</c>.</summary>
    public string Id => RepeatableName is null ? Version.Text : RepeatablePrefix + RepeatableName;

    public const string RepeatablePrefix = "R__";

    /// <summary>
    /// A repeatable migration (Flyway's <c>R__name.sql</c>, optionally with a provider tag), or, in a folder named
    /// <c>Repeatables</c>, any <c>name.sql</c>. It has no version: it runs again whenever its checksum changes.
    /// </summary>
    public static MigrationFileName? TryParseRepeatable(string fileName, bool inRepeatableFolder)
    {
        // [R__]name[.tag].sql, the name without dots and not empty. "R__.sql" is a file named R__ (no prefix).
        if (Stem(fileName) is not { } stem)
        {
            return null;
        }

        var prefixed = stem.Length > RepeatablePrefix.Length && stem.StartsWith(RepeatablePrefix, StringComparison.OrdinalIgnoreCase)
            && stem[RepeatablePrefix.Length] != '.';
        if (!prefixed && !inRepeatableFolder)
        {
            return null;
        }

        var start = prefixed ? RepeatablePrefix.Length : 0;
        var nameEnd = NameEnd(stem, start);
        if (nameEnd == start || !TryReadTags(stem[nameEnd..], out var tags) || tags.Count > 1)
        {
            return null;
        }

        var name = stem[start..nameEnd];
        return new MigrationFileName(MigrationVersion.Parse("0"), Describe(name), tags.SingleOrDefault(), RepeatableName: name);
    }

    /// <summary>An up or down file: a convention in which an empty up file is a placeholder, not a mistake.</summary>
    public bool IsPaired => Direction != MigrationDirection.Plain;

    public static MigrationFileName? TryParse(string fileName)
    {
        // Flyway's V1__name or V1_2__name (version 1.2), else 1.2.0_name, 1-name or 1; then .tags and .sql.
        if (Stem(fileName) is not { } stem)
        {
            return null;
        }

        string versionText;
        int nameStart, nameEnd;
        if (stem.Length > 0 && stem[0] is 'V' or 'v')
        {
            var versionEnd = VersionEnd(stem, 1, underscoreSeparates: true);
            if (versionEnd < 0 || !stem.AsSpan(versionEnd).StartsWith("__", StringComparison.Ordinal))
            {
                return null;
            }

            versionText = stem[1..versionEnd].Replace('_', '.');
            nameStart = versionEnd + 2;
            nameEnd = NameEnd(stem, nameStart);
        }
        else
        {
            var versionEnd = VersionEnd(stem, 0, underscoreSeparates: false);
            if (versionEnd < 0)
            {
                return null;
            }

            versionText = stem[..versionEnd];
            var named = versionEnd < stem.Length && stem[versionEnd] is '_' or '-';
            nameStart = named ? versionEnd + 1 : versionEnd;
            nameEnd = named ? NameEnd(stem, nameStart) : nameStart;
        }

        if (!MigrationVersion.TryParse(versionText, out var version) || !TryReadTags(stem[nameEnd..], out var tags))
        {
            return null;
        }

        var direction = MigrationDirection.Plain;
        if (tags.Count > 0 && tags[^1] is "up" or "down")
        {
            direction = tags[^1] == "up" ? MigrationDirection.Up : MigrationDirection.Down;
            tags.RemoveAt(tags.Count - 1);
        }

        var autocommit = tags.Remove(AutocommitTag);
        // At most one provider tag is left; more words than that are not a migration's name.
        if (tags.Count > 1)
        {
            return null;
        }

        return new MigrationFileName(version, Describe(stem[nameStart..nameEnd]), tags.SingleOrDefault(), direction, autocommit);
    }

    private const string SqlExtension = ".sql";

    /// <summary>The name without its <c>.sql</c> extension (in any case); null for another extension.</summary>
    private static string? Stem(string fileName) =>
        fileName.EndsWith(SqlExtension, StringComparison.OrdinalIgnoreCase) ? fileName[..^SqlExtension.Length] : null;

    /// <summary>
    /// Where a version starting at <paramref name="start"/> ends: segments of digits (any Unicode decimal digit)
    /// separated by dots, or in Flyway's names also underscores; -1 when no digit starts it.
    /// </summary>
    private static int VersionEnd(string stem, int start, bool underscoreSeparates)
    {
        var at = start;
        while (at < stem.Length && char.IsDigit(stem[at]))
        {
            at++;
            // A separator belongs to the version only when a digit follows it.
            if (at + 1 < stem.Length && (stem[at] == '.' || (underscoreSeparates && stem[at] == '_')) && char.IsDigit(stem[at + 1]))
            {
                at++;
            }
        }

        return at == start ? -1 : at;
    }

    /// <summary>A name runs to the first dot.</summary>
    private static int NameEnd(string stem, int start) =>
        stem.IndexOf('.', start) is var dot and >= 0 ? dot : stem.Length;

    /// <summary>
    /// What follows the name: nothing, or dot-separated words that each start with an ASCII letter and hold only
    /// ASCII letters and digits, lower-cased.
    /// </summary>
    private static bool TryReadTags(string rest, out List<string> tags)
    {
        tags = [];
        if (rest.Length == 0)
        {
            return true;
        }

        if (rest[0] != '.')
        {
            return false;
        }

        foreach (var tag in rest[1..].Split('.'))
        {
            if (tag.Length == 0 || !char.IsAsciiLetter(tag[0]) || tag.AsSpan().ContainsAnyExcept(AsciiLettersAndDigits))
            {
                return false;
            }

            tags.Add(tag.ToLowerInvariant());
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLettersAndDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // "multi-user_tenant_support" -> "Multi-user tenant support"
    private static string Describe(string name)
    {
        var words = name.Replace("__", " ").Replace('_', ' ').Trim();
        return words.Length == 0 ? "" : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }
}
