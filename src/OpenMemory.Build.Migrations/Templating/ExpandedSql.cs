namespace OpenMemory.Build.Migrations.Templating;

/// <summary>A migration's SQL after template expansion, able to map an offset back to the file as written.</summary>
internal sealed class ExpandedSql
{
    private readonly IReadOnlyList<Segment> _segments;

    internal ExpandedSql(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    /// <summary>The text had no placeholder: it is the same whatever the target's schema and tables.</summary>
    public bool IsUnchanged => ReferenceEquals(_segments, UnchangedSegments);

    private static readonly IReadOnlyList<Segment> UnchangedSegments = [new Segment(0, 0, Literal: true)];

    internal static ExpandedSql Unchanged(string text) => new(text, UnchangedSegments);

    /// <summary>The offset in the original text that produced <paramref name="expandedOffset"/>; inside a placeholder, its start.</summary>
    public int ToOriginalOffset(int expandedOffset)
    {
        var segment = _segments[0];
        foreach (var candidate in _segments)
        {
            if (candidate.ExpandedStart > expandedOffset)
            {
                break;
            }

            segment = candidate;
        }

        return segment.Literal ? segment.OriginalStart + (expandedOffset - segment.ExpandedStart) : segment.OriginalStart;
    }

    internal readonly record struct Segment(int ExpandedStart, int OriginalStart, bool Literal);
}
