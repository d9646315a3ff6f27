using System.Text.RegularExpressions;

namespace OpenMemory.Build.Migrations.Providers.Sqlite;

/// <summary>
/// SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>. Migrations may write it anyway, as on PostgreSQL: the statement
/// runs as a plain <c>ADD COLUMN</c> when the column is missing and is skipped when it exists.
/// </summary>
internal static partial class SqliteColumnGuard
{
    public sealed record Guard(string? Schema, string Table, string Column, string Rewritten);

    public static Guard? Match(string statement)
    {
        var match = Pattern().Match(statement);
        if (!match.Success)
        {
            return null;
        }

        var condition = match.Groups["condition"];
        var rewritten = statement[..condition.Index] + statement[(condition.Index + condition.Length)..];
        return new Guard(
            match.Groups["schema"].Success ? Unquote(match.Groups["schema"].Value) : null,
            Unquote(match.Groups["table"].Value),
            Unquote(match.Groups["column"].Value),
            rewritten);
    }

    private static string Unquote(string name) =>
        name.Length >= 2 && name[0] is '"' or '[' or '`' ? name[1..^1] : name;

    private const string Name = @"(?:""[^""]+""|\[[^\]]+\]|`[^`]+`|[A-Za-z_][A-Za-z0-9_$]*)";

    [GeneratedRegex(@"^ALTER\s+TABLE\s+(?:(?<schema>" + Name + @")\s*\.\s*)?(?<table>" + Name + @")\s+ADD\s+(?:COLUMN\s+)?(?<condition>IF\s+NOT\s+EXISTS\s+)(?<column>" + Name + ")",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
