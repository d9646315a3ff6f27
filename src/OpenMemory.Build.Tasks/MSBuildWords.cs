using System.Text.RegularExpressions;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// The engine names its settings as a runtime caller sets them (MigrationOptions.AllowOutOfOrder); a build user
/// sets MSBuild properties. This puts the property in the message instead.
/// </summary>
internal static partial class MSBuildWords
{
    private static readonly Dictionary<string, string> Properties = new(StringComparer.Ordinal)
    {
        ["Provider"] = "MigrationProvider",
        ["ConnectionString"] = "MigrationConnectionString, name an environment variable in MigrationConnectionStringVariable, or set the OM_PG_* variables",
        ["Schema"] = "MigrationSchema (or OM_PG_SCHEMA)",
        ["AllowPublicSchema"] = "MigrationAllowPublicSchema",
        ["AllowOutOfOrder"] = "MigrationAllowOutOfOrder",
        ["FailOnPending"] = "MigrationFailOnPending",
        ["BaselineVersion"] = "MigrationBaselineVersion",
        ["LockTimeout"] = "MigrationRunLockTimeout",
        ["CreateDatabase"] = "MigrationCreateDatabase (or OM_PG_AUTO_CREATE_DB)",
    };

    public static string Translate(string message) =>
        OptionName().Replace(message, match => Properties.TryGetValue(match.Groups[1].Value, out var property) ? property : match.Value);

    [GeneratedRegex(@"MigrationOptions\.(\w+)")]
    private static partial Regex OptionName();
}
