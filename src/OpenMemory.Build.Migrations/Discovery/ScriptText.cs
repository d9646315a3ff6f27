namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// The text a migration runs: kept in memory, or let go and read again from its file when it is needed. A set of
/// thousands of table rebuilds would otherwise hold every script, decoded, from its first read to the end of the run.
/// A text read again comes from a file that still has the checksum the run planned with (the reader checks it), so
/// what runs is always what was checked and is recorded.
/// </summary>
internal sealed class ScriptText
{
    /// <summary>The most text a set of scripts keeps in memory (UTF-16 characters, 4 MB).</summary>
    public const int KeptChars = 1 << 21;

    private readonly Func<string>? _readAgain;
    private WeakReference<string>? _lastRead;
    private string? _kept;

    private ScriptText(string text, Func<string>? readAgain)
    {
        _kept = text;
        _readAgain = readAgain;
        Length = text.Length;
    }

    /// <summary>A text that is only ever in memory (a down section, a test's script).</summary>
    public static ScriptText InMemory(string text) => new(text, null);

    /// <summary>A file's text, which <paramref name="readAgain"/> reads anew (and checks) once it is let go.</summary>
    public static ScriptText FromFile(string text, Func<string> readAgain) => new(text, readAgain);

    /// <summary>The text's length, known without reading it again.</summary>
    public int Length { get; }

    /// <summary>Whether the text is held, so that what is made from it may be kept as long as the script is.</summary>
    public bool IsKept => _kept is not null;

    /// <summary>
    /// The text. Once let go, the copy read last is used while anything still holds it (lint and the splitter ask
    /// more than once per script); otherwise the file is read again.
    /// </summary>
    public string Value
    {
        get
        {
            if (Volatile.Read(ref _kept) is { } kept)
            {
                return kept;
            }

            if (_lastRead!.TryGetTarget(out var recent))
            {
                return recent;
            }

            var text = _readAgain!();
            _lastRead.SetTarget(text);
            return text;
        }
    }

    /// <summary>Lets the text go, if it can be read again.</summary>
    public void LetGo()
    {
        if (_readAgain is not null && _kept is { } kept)
        {
            _lastRead = new WeakReference<string>(kept);
            Volatile.Write(ref _kept, null);
        }
    }
}
