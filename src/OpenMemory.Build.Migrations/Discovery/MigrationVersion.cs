namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// A migration version: dot-separated numeric segments compared as numbers, so 1.10 follows 1.9 and 10 follows 9.
/// Leading zeros and trailing zero segments do not matter: 001 equals 1, and 1.2 equals 1.2.0.
/// </summary>
internal sealed class MigrationVersion : IComparable<MigrationVersion>, IEquatable<MigrationVersion>
{
    private readonly string[] _segments;

    private MigrationVersion(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
        Key = string.Join('.', segments);
    }

    /// <summary>The version as written in the file name, e.g. "001" or "1.2.0".</summary>
    public string Text { get; }

    /// <summary>The normalized form used for equality: no leading zeros, no trailing zero segments.</summary>
    public string Key { get; }

    public static bool TryParse(string? text, out MigrationVersion version)
    {
        version = null!;
        if (!IsWellFormed(text))
        {
            return false;
        }

        var segments = text.Split('.').Select(s => s.TrimStart('0') is { Length: > 0 } t ? t : "0").ToList();
        while (segments.Count > 1 && segments[^1] == "0")
        {
            segments.RemoveAt(segments.Count - 1);
        }

        version = new MigrationVersion(text, [.. segments]);
        return true;
    }

    public static MigrationVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a migration version.");

    public int CompareTo(MigrationVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var count = Math.Max(_segments.Length, other._segments.Length);
        for (var i = 0; i < count; i++)
        {
            var compared = CompareSegment(Segment(i), other.Segment(i));
            if (compared != 0)
            {
                return compared;
            }
        }

        return 0;
    }

    public bool Equals(MigrationVersion? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as MigrationVersion);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;

    public static bool operator <(MigrationVersion left, MigrationVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(MigrationVersion left, MigrationVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(MigrationVersion left, MigrationVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(MigrationVersion left, MigrationVersion right) => left.CompareTo(right) >= 0;

    private string Segment(int index) => index < _segments.Length ? _segments[index] : "0";

    // Segments have no leading zeros, so a longer one is larger; equal lengths compare digit by digit.
    private static int CompareSegment(string left, string right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);

    private const int MaxSegments = 10;
    private const int MaxSegmentDigits = 30;

    /// <summary>One to ten segments of 1-30 digits each, separated by dots.</summary>
    private static bool IsWellFormed([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var segments = 1;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                if (++digits > MaxSegmentDigits)
                {
                    return false;
                }
            }
            else if (c == '.' && digits > 0 && ++segments <= MaxSegments)
            {
                digits = 0;
            }
            else
            {
                return false;
            }
        }

        return digits > 0;
    }
}
