namespace OpenMemory.Build.Migrations.Lint;

// Over a List, not an interface: the ReadyToRun code a build runs cannot devirtualize a call made for every token.

/// <summary>A cursor over one statement's tokens, with the few shapes the rules need: keyword runs, names, lists.</summary>
internal sealed class StatementReader(List<LintToken> tokens, int start = 0, int end = -1)
{
    private readonly int _end = end < 0 ? tokens.Count : end;

    public int Index { get; set; } = start;

    public bool AtEnd => Index >= _end;

    public LintToken? Current => Index < _end ? tokens[Index] : null;

    public List<LintToken> Tokens => tokens;

    public int End => _end;

    public bool Accept(string word)
    {
        if (Current?.Is(word) == true)
        {
            Index++;
            return true;
        }

        return false;
    }

    /// <summary>Takes the whole run of words, or nothing.</summary>
    public bool Accept(params ReadOnlySpan<string> words)
    {
        if (!Peek(words))
        {
            return false;
        }

        Index += words.Length;
        return true;
    }

    public bool Peek(params ReadOnlySpan<string> words)
    {
        for (var i = 0; i < words.Length; i++)
        {
            if (Index + i >= _end || !tokens[Index + i].Is(words[i]))
            {
                return false;
            }
        }

        return true;
    }

    public bool AcceptSymbol(string symbol)
    {
        if (Current?.IsSymbol(symbol) == true)
        {
            Index++;
            return true;
        }

        return false;
    }

    /// <summary>Reads <c>a.b.c</c> and returns its last part, the object's own name; null when no name is here.</summary>
    public string? ReadName()
    {
        if (Current is not { IsName: true } first)
        {
            return null;
        }

        Index++;
        var name = first.Name;
        while (Current?.IsSymbol(".") == true && Index + 1 < _end && tokens[Index + 1].IsName)
        {
            name = tokens[Index + 1].Name;
            Index += 2;
        }

        return name;
    }

    /// <summary>The names of a parenthesized list <c>(a, b)</c> at the cursor; empty when there is none.</summary>
    public IReadOnlyList<string> ReadNameList()
    {
        if (Current is not { } open || !open.IsSymbol("("))
        {
            return [];
        }

        var depth = open.Depth;
        var names = new List<string>();
        Index++;
        var expectName = true;
        while (!AtEnd && !(tokens[Index].IsSymbol(")") && tokens[Index].Depth == depth))
        {
            var token = tokens[Index];
            if (expectName && token.IsName && token.Depth == depth + 1)
            {
                names.Add(token.Name);
            }

            expectName = token.IsSymbol(",") && token.Depth == depth + 1;
            Index++;
        }

        Index = Math.Min(Index + 1, _end);
        return names;
    }

    /// <summary>A reader over the tokens inside the parentheses at the cursor, which it moves past them.</summary>
    public StatementReader? Inside()
    {
        if (Current?.IsSymbol("(") != true)
        {
            return null;
        }

        var open = Index;
        SkipParenthesized();
        var close = Index > open + 1 && tokens[Index - 1].IsSymbol(")") ? Index - 1 : Index;
        return new StatementReader(tokens, open + 1, close);
    }

    public void SkipParenthesized()
    {
        if (Current is not { } open || !open.IsSymbol("("))
        {
            return;
        }

        var depth = open.Depth;
        Index++;
        while (!AtEnd && !(tokens[Index].IsSymbol(")") && tokens[Index].Depth == depth))
        {
            Index++;
        }

        Index = Math.Min(Index + 1, _end);
    }

    /// <summary>The ranges between commas at <paramref name="depth"/>, from the cursor to the end.</summary>
    public IReadOnlyList<StatementReader> SplitAt(int depth)
    {
        var parts = new List<StatementReader>();
        var from = Index;
        for (var i = Index; i < _end; i++)
        {
            if (tokens[i].IsSymbol(",") && tokens[i].Depth == depth)
            {
                parts.Add(new StatementReader(tokens, from, i));
                from = i + 1;
            }
        }

        if (from < _end)
        {
            parts.Add(new StatementReader(tokens, from, _end));
        }

        return parts;
    }

    /// <summary>Whether the word appears from the cursor on, at the cursor's own depth (not inside parentheses).</summary>
    public bool HasAhead(params ReadOnlySpan<string> words) => FindAhead(words) is not null;

    /// <summary>A reader over what follows the first <paramref name="word"/> ahead at the cursor's depth.</summary>
    public StatementReader? After(string word)
    {
        var depth = Current?.Depth ?? 0;
        for (var i = Index; i < _end; i++)
        {
            if (tokens[i].Depth == depth && tokens[i].Is(word))
            {
                return new StatementReader(tokens, i + 1, _end);
            }
        }

        return null;
    }

    /// <summary>The first token of the run of words, where it appears from the cursor on at the cursor's own depth.</summary>
    public LintToken? FindAhead(params ReadOnlySpan<string> words)
    {
        var depth = Current?.Depth ?? 0;
        for (var i = Index; i + words.Length <= _end; i++)
        {
            if (tokens[i].Depth != depth)
            {
                continue;
            }

            var all = true;
            for (var j = 0; j < words.Length && all; j++)
            {
                all = tokens[i + j].Is(words[j]);
            }

            if (all)
            {
                return tokens[i];
            }
        }

        return null;
    }

    public IEnumerable<LintToken> Rest()
    {
        for (var i = Index; i < _end; i++)
        {
            yield return tokens[i];
        }
    }
}
