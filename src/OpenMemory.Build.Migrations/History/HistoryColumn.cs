namespace OpenMemory.Build.Migrations.History;

internal enum HistoryColumnType
{
    Text,
    Integer,
    Timestamp,
}

/// <summary>One column of the history table; each provider maps the type to its own.</summary>
internal sealed record HistoryColumn(string Name, HistoryColumnType Type, bool NotNull, string? Default = null);
