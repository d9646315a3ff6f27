namespace OpenMemory.Build.Migrations.History;

public enum HistoryColumnType
{
    Text,
    Integer,
    Timestamp,
}

/// <summary>One column of the history table; each provider maps the type to its own.</summary>
public sealed record HistoryColumn(string Name, HistoryColumnType Type, bool NotNull, string? Default = null);
