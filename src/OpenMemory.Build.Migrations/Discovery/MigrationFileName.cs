using System.Globalization;
using System.Text.RegularExpressions;

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
internal sealed partial record MigrationFileName(MigrationVersion Version, string Description, string? ProviderTag,
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
        var match = RepeatablePattern().Match(fileName);
        if (!match.Success || (!inRepeatableFolder && !match.Groups["prefix"].Success))
        {
            return null;
        }

        var tags = match.Groups["tags"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).ToList();
        if (tags.Count > 1)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        return new MigrationFileName(MigrationVersion.Parse("0"), Describe(name), tags.SingleOrDefault(), RepeatableName: name);
    }

    /// <summary>An up or down file: a convention in which an empty up file is a placeholder, not a mistake.</summary>
    public bool IsPaired => Direction != MigrationDirection.Plain;

    public static MigrationFileName? TryParse(string fileName)
    {
        var match = FlywayPattern().Match(fileName);
        var versionText = match.Success ? match.Groups["version"].Value.Replace('_', '.') : null;
        if (!match.Success)
        {
            match = PlainPattern().Match(fileName);
            versionText = match.Success ? match.Groups["version"].Value : null;
        }

        if (!match.Success || !MigrationVersion.TryParse(versionText, out var version))
        {
            return null;
        }

        var tags = match.Groups["tags"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).ToList();
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

        return new MigrationFileName(version, Describe(match.Groups["name"].Value), tags.SingleOrDefault(), direction, autocommit);
    }

    // "multi-user_tenant_support" -> "Multi-user tenant support"
    private static string Describe(string name)
    {
        var words = name.Replace("__", " ").Replace('_', ' ').Trim();
        return words.Length == 0 ? "" : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }

    [GeneratedRegex(@"^(?<prefix>[Rr]__)?(?<name>[^.]+)(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)?)\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex RepeatablePattern();

    [GeneratedRegex(@"^[Vv](?<version>\d+(?:[._]\d+)*)__(?<name>[^.]*)(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)*)\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex FlywayPattern();

    [GeneratedRegex(@"^(?<version>\d+(?:\.\d+)*)(?:[_-](?<name>[^.]*))?(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)*)\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex PlainPattern();
}
