using System.Text.RegularExpressions;

namespace OpenMemory.Build.Migrations.Drift;

/// <summary>
/// Compares what the migrations build with what the database holds. A table missing or extra is one difference:
/// its columns, constraints, indexes and triggers are not listed again.
/// </summary>
internal static class SchemaComparer
{
    public static IReadOnlyList<DriftDifference> Compare(
        IReadOnlyList<SchemaObject> expected,
        IReadOnlyList<SchemaObject> actual,
        IReadOnlyList<string> ignore,
        bool onlyExpectedObjects,
        string namePrefix)
    {
        var ignored = ignore.Select(Pattern).ToList();
        bool Ignored(SchemaObject o) => ignored.Any(p => p.Kind.IsMatch(o.Kind) && p.Name.IsMatch(o.Name));

        // An ignored, missing or extra relation is one finding at most: its columns, constraints, indexes, triggers and grants follow it.
        var ignoredParents = expected.Concat(actual).Where(o => IsParent(o) && Ignored(o)).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        bool Kept(SchemaObject o) => !Ignored(o) && (o.Table is null || !ignoredParents.Contains(o.Table));
        var want = expected.Where(Kept).ToDictionary(o => o.Key);
        var have = actual.Where(Kept).ToDictionary(o => o.Key);
        var missingTables = want.Values.Where(o => IsParent(o) && !have.ContainsKey(o.Key)).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var extraTables = have.Values.Where(o => IsParent(o) && !want.ContainsKey(o.Key)).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        var differences = new List<DriftDifference>();
        string Named(SchemaObject o) => o.Kind == SchemaKinds.Extension ? o.Name : namePrefix + o.Name; // extensions belong to the database
        foreach (var o in want.Values)
        {
            if (!have.TryGetValue(o.Key, out var found))
            {
                if (o.Table is null || !missingTables.Contains(o.Table))
                {
                    differences.Add(new DriftDifference(SchemaKinds.Code(o.Kind), o.Kind, Named(o), o.Definition, null));
                }
            }
            else if (found.Definition != o.Definition)
            {
                differences.Add(new DriftDifference(SchemaKinds.Code(o.Kind), o.Kind, Named(o), o.Definition, found.Definition));
            }
        }

        // With a baseline no file builds, an extra object counts only inside a relation the checked migrations build.
        var builtRelations = want.Values.Where(IsParent).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var o in have.Values.Where(o => !want.ContainsKey(o.Key) && (o.Table is null || !extraTables.Contains(o.Table))))
        {
            if (!onlyExpectedObjects || (o.Table is not null && builtRelations.Contains(o.Table)))
            {
                differences.Add(new DriftDifference(SchemaKinds.Code(o.Kind), o.Kind, Named(o), null, o.Definition));
            }
        }

        return differences.OrderBy(d => d.Code, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    private static bool IsParent(SchemaObject o) => o.Table is null && o.Kind is SchemaKinds.Table or SchemaKinds.View or SchemaKinds.MaterializedView or SchemaKinds.Sequence;

    /// <summary>Names are matched without the schema: <c>table:pg_stat_*</c>, <c>index:tmp_*</c>, or a bare name pattern for every kind; <c>*</c> and <c>?</c> are wildcards.</summary>
    private static (Regex Kind, Regex Name) Pattern(string text)
    {
        var colon = text.IndexOf(':');
        var kind = colon < 0 ? "*" : text[..colon].Trim();
        var name = colon < 0 ? text.Trim() : text[(colon + 1)..].Trim();
        return (Glob(kind), Glob(name));
    }

    private static Regex Glob(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
