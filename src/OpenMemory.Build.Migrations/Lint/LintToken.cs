namespace OpenMemory.Build.Migrations.Lint;

internal enum LintTokenKind
{
    /// <summary>An unquoted keyword or identifier; compared case-insensitively.</summary>
    Word,

    /// <summary>A "quoted" identifier; its text is the name inside the quotes.</summary>
    QuotedName,

    /// <summary>A <c>{{tables.x}}</c> or <c>{{schema}}</c> placeholder, standing for a name.</summary>
    Placeholder,

    /// <summary>A string literal, an E'' string or a $$ body.</summary>
    Text,

    Number,

    /// <summary>One punctuation character, or <c>::</c>.</summary>
    Symbol,
}

/// <summary>One lexical element of a statement, where it starts in the script, and how deep in parentheses it is.</summary>
internal readonly record struct LintToken(LintTokenKind Kind, string Text, int Offset, int Depth)
{
    public bool IsName => Kind is LintTokenKind.Word or LintTokenKind.QuotedName or LintTokenKind.Placeholder;

    public bool Is(string word) => Kind == LintTokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == LintTokenKind.Symbol && Text == symbol;

    /// <summary>The name as the database folds it: unquoted names lower-cased, quoted ones as written.</summary>
    public string Name => Kind == LintTokenKind.Word ? Text.ToLowerInvariant() : Text;
}
