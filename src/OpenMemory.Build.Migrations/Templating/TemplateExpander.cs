using System.Text;
using System.Text.RegularExpressions;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Templating;

/// <summary>
/// Expands <c>{{schema}}</c> and <c>{{tables.NAME}}</c>. Text between double braces that is not a dotted
/// identifier (a PostgreSQL array literal such as '{{1,2}}') is left alone; a dotted identifier that is not a
/// known placeholder is an error.
/// </summary>
internal static partial class TemplateExpander
{
    public static ExpandedSql Expand(string text, TemplateScope scope, string file)
    {
        var matches = PlaceholderPattern().Matches(text);
        if (matches.Count == 0)
        {
            return ExpandedSql.Unchanged(text);
        }

        var source = new SourceText(text);
        var builder = new StringBuilder(text.Length + matches.Count * 16);
        var map = new List<ExpandedSql.Segment>(matches.Count * 2 + 1);
        var position = 0;
        foreach (Match match in matches)
        {
            map.Add(new ExpandedSql.Segment(builder.Length, position, Literal: true));
            builder.Append(text, position, match.Index - position);
            map.Add(new ExpandedSql.Segment(builder.Length, match.Index, Literal: false));
            builder.Append(Resolve(match, scope, source, file));
            position = match.Index + match.Length;
        }

        map.Add(new ExpandedSql.Segment(builder.Length, position, Literal: true));
        builder.Append(text, position, text.Length - position);
        return new ExpandedSql(builder.ToString(), map);
    }

    private static string Resolve(Match match, TemplateScope scope, SourceText source, string file)
    {
        var name = match.Groups["name"].Value;
        if (name == "schema")
        {
            return scope.Schema;
        }

        if (name.StartsWith("tables.", StringComparison.Ordinal) && name.IndexOf('.', 7) < 0 && name.Length > 7)
        {
            return scope.Table(name[7..]);
        }

        var (line, column) = source.Locate(match.Index);
        throw new MigrationException(Errors.UnknownPlaceholder(file, line, column, name));
    }

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]*)*)\s*\}\}")]
    private static partial Regex PlaceholderPattern();
}
