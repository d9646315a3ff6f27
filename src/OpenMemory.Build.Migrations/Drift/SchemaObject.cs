namespace OpenMemory.Build.Migrations.Drift;

/// <summary>
/// One object of a schema as drift compares it: its kind, its name (children named within their table), the table
/// it belongs to, and its definition as text normalized by the catalog reader.
/// </summary>
internal sealed record SchemaObject(string Kind, string Name, string? Table, string Definition)
{
    public string Key => $"{Kind}\u0001{Name}";
}

/// <summary>The kinds drift compares, with the code each difference of that kind carries.</summary>
internal static class SchemaKinds
{
    public const string Table = "table";
    public const string Column = "column";
    public const string Constraint = "constraint";
    public const string Index = "index";
    public const string View = "view";
    public const string MaterializedView = "materialized view";
    public const string Sequence = "sequence";
    public const string Function = "function";
    public const string Procedure = "procedure";
    public const string Trigger = "trigger";
    public const string Enum = "enum";
    public const string Extension = "extension";
    public const string Grant = "grant";

    public static IReadOnlyList<string> All { get; } =
        [Table, Column, Constraint, Index, View, MaterializedView, Sequence, Function, Procedure, Trigger, Enum, Extension, Grant];

    public static string Code(string kind) => kind switch
    {
        Table => "OMB7001",
        Column => "OMB7002",
        Constraint => "OMB7003",
        Index => "OMB7004",
        View or MaterializedView => "OMB7005",
        Sequence => "OMB7006",
        Function or Procedure => "OMB7007",
        Trigger => "OMB7008",
        Enum => "OMB7009",
        Extension => "OMB7010",
        _ => "OMB7011",
    };
}
