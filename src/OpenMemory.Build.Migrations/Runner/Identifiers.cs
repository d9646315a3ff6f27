using System.Text.RegularExpressions;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>Names that end up inside SQL are refused unless they are plain: no quotes, semicolons, spaces, or more than 63 characters.</summary>
internal static partial class Identifiers
{
    public static string Require(string value, string what) =>
        PlainIdentifier().IsMatch(value) ? value : throw new MigrationException(Errors.InvalidIdentifier(what, value));

    public static string RequireModule(string value) =>
        ModuleName().IsMatch(value) ? value : throw new MigrationException(Errors.InvalidModuleName(value));

    public static bool IsPlain(string value) => PlainIdentifier().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,62}$")]
    private static partial Regex ModuleName();
}
