using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// What a migration's file name says: version, description and, for a provider variant, its provider.
/// Accepted: <c>001_name.sql</c>, <c>V1__name.sql</c> (and <c>V1_2__name.sql</c> for 1.2), <c>1.2.0_name.sql</c>,
/// <c>20250101120000_name.sql</c>, each optionally with a provider before the extension: <c>1.2.0_name.sqlite.sql</c>.
/// </summary>
internal sealed partial record MigrationFileName(MigrationVersion Version, string Description, string? ProviderTag)
{
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

        var provider = match.Groups["provider"].Success ? match.Groups["provider"].Value.ToLowerInvariant() : null;
        return new MigrationFileName(version, Describe(match.Groups["name"].Value), provider);
    }

    // "multi-user_tenant_support" -> "Multi-user tenant support"
    private static string Describe(string name)
    {
        var words = name.Replace("__", " ").Replace('_', ' ').Trim();
        return words.Length == 0 ? "" : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }

    [GeneratedRegex(@"^[Vv](?<version>\d+(?:[._]\d+)*)__(?<name>[^.]*)(?:\.(?<provider>[A-Za-z][A-Za-z0-9]*))?\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex FlywayPattern();

    [GeneratedRegex(@"^(?<version>\d+(?:\.\d+)*)(?:[_-](?<name>[^.]*))?(?:\.(?<provider>[A-Za-z][A-Za-z0-9]*))?\.sql$", RegexOptions.IgnoreCase)]
    private static partial Regex PlainPattern();
}
