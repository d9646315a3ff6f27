namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// One string per distinct word of a lint run. Migration sets repeat the same keywords, names and type names in every
/// file; made once each, they are not garbage made for every token.
/// </summary>
internal sealed class LintWords
{
    // Past these, a word is made as it comes: the pool stays small whatever the files hold.
    private const int MaxWordLength = 64;
    private const int MaxWords = 100_000;

    private readonly HashSet<string> _words = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public LintWords() => _lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> word)
    {
        if (_lookup.TryGetValue(word, out var known))
        {
            return known;
        }

        var made = word.ToString();
        if (word.Length <= MaxWordLength && _words.Count < MaxWords)
        {
            _words.Add(made);
        }

        return made;
    }
}
