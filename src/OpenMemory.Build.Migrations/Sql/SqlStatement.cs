namespace OpenMemory.Build.Migrations.Sql;

/// <summary>One statement of a script, without its terminating semicolon; <see cref="Offset"/> is where its first token starts.</summary>
internal sealed record SqlStatement(string Text, int Offset)
{
    /// <summary>The first keyword, upper-cased ("CREATE", "INSERT", ...), or empty.</summary>
    public string FirstKeyword
    {
        get
        {
            var end = 0;
            while (end < Text.Length && (char.IsAsciiLetter(Text[end]) || Text[end] == '_'))
            {
                end++;
            }

            return Text[..end].ToUpperInvariant();
        }
    }
}
