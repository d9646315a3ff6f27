using System.Text;
using OpenMemory.Build.Migrations.Checksums;
using OpenMemory.Build.Migrations.Diagnostics;
using OpenMemory.Build.Migrations.Sql;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// Turns a source's files into the ordered migrations of one provider. All problems with the files are collected,
/// so one build reports every bad file at once.
/// </summary>
internal static class MigrationCatalog
{
    private const string NoTransactionDirective = "-- omb:no-transaction";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The catalog and the lock file read the same files in one run. The memo lives as long as the source's file
    // objects do, never across runs: a stamp of length and time cannot see an edit within one timestamp tick.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MigrationSourceFile, MigrationScript> ReadOnce = new();

    public static (IReadOnlyList<MigrationScript> Scripts, IReadOnlyList<MigrationDiagnostic> Diagnostics) Load(IMigrationSource source, string provider)
    {
        var catalog = LoadWithNotes(source, provider);
        return (catalog.Scripts, catalog.Diagnostics);
    }

    public static CatalogResult LoadWithNotes(IMigrationSource source, string provider)
    {
        var diagnostics = new List<MigrationDiagnostic>();
        var groups = new Dictionary<MigrationVersion, VersionGroup>();
        var repeatables = new Dictionary<string, VersionGroup>(StringComparer.Ordinal);
        var downs = new Dictionary<MigrationVersion, List<(MigrationSourceFile File, string? Variant)>>();
        var otherDatabases = new Dictionary<string, int>(StringComparer.Ordinal);
        var budget = new TextBudget();
        foreach (var file in source.GetFiles())
        {
            var name = ParseName(file);
            if (name is null)
            {
                diagnostics.Add(Errors.NoVersionInFileName(file.DisplayPath));
                continue;
            }

            string? variant = null;
            if (name.ProviderTag is not null)
            {
                variant = ProviderTags.Normalize(name.ProviderTag);
                if (variant is null && ProviderTags.IsOtherDatabase(name.ProviderTag))
                {
                    otherDatabases[name.ProviderTag] = otherDatabases.GetValueOrDefault(name.ProviderTag) + 1;
                    continue;
                }

                if (variant is null)
                {
                    diagnostics.Add(Errors.UnknownProviderVariant(file.DisplayPath, name.ProviderTag));
                    continue;
                }
            }

            if (name.Direction == MigrationDirection.Down)
            {
                (downs.TryGetValue(name.Version, out var list) ? list : downs[name.Version] = []).Add((file, variant));
                continue;
            }

            VersionGroup? group;
            if (name.RepeatableName is { } repeatable)
            {
                if (!repeatables.TryGetValue(repeatable, out group))
                {
                    repeatables[repeatable] = group = new VersionGroup();
                }
            }
            else if (!groups.TryGetValue(name.Version, out group))
            {
                groups[name.Version] = group = new VersionGroup();
            }

            group.Add(file, name, variant, diagnostics);
        }

        var scripts = new List<MigrationScript>(groups.Count);
        var otherProviderOnly = 0;
        // Keys sorted as an array: LINQ's OrderBy over a dictionary's pairs is compiled on first use, in every cold build.
        var versions = groups.Keys.ToArray();
        Array.Sort(versions);
        foreach (var version in versions)
        {
            var group = groups[version];
            var chosen = group.For(provider);
            if (chosen is null)
            {
                // pop: a version with files only for other databases does not exist for this one.
                if (group.AllPaired)
                {
                    otherProviderOnly++;
                    continue;
                }

                diagnostics.Add(Errors.MissingProviderVariant(group.AnyFile.DisplayPath, version.Text, provider));
                continue;
            }

            try
            {
                var script = budget.Count(Read(chosen.Value.File, chosen.Value.Name));
                var down = downs.GetValueOrDefault(version)?.OrderBy(d => d.Variant == provider ? 0 : d.Variant is null ? 1 : 2)
                    .FirstOrDefault(d => d.Variant is null || d.Variant == provider).File;
                scripts.Add(down is null ? script : script with { DownFile = down });
            }
            catch (MigrationException e)
            {
                diagnostics.Add(e.Diagnostic);
            }
        }

        var repeatableScripts = new List<MigrationScript>();
        var repeatableNames = repeatables.Keys.ToArray();
        Array.Sort(repeatableNames, StringComparer.Ordinal);
        foreach (var name in repeatableNames)
        {
            var group = repeatables[name];
            if (group.For(provider) is not { } chosen)
            {
                continue;
            }

            try
            {
                repeatableScripts.Add(budget.Count(Read(chosen.File, chosen.Name)));
            }
            catch (MigrationException e)
            {
                diagnostics.Add(e.Diagnostic);
            }
        }

        return new CatalogResult(scripts, diagnostics, otherDatabases, otherProviderOnly,
            scripts.Count(s => s.Placeholder), scripts.Count(s => s.DownFile is not null)) { Repeatables = repeatableScripts, TextsLetGo = budget.Exceeded };
    }

    /// <summary>
    /// A migration's down script, read only when a rollback needs it: its paired <c>.down.sql</c> file, or a dbmate
    /// file's <c>-- migrate:down</c> section (located in the same file). Null when there is none.
    /// </summary>
    public static MigrationScript? ReadDown(MigrationScript script)
    {
        if (script.DownFile is { } file && ParseName(file) is { } name)
        {
            return Read(file, name);
        }

        if (script.HasDownSection && script.Source is { } source && DbmateSections.TryFindDown(MigrationChecksum.NormalizeLineEndings(StrictUtf8.GetString(source.ReadBytes()))) is { } down)
        {
            var noTransaction = down.NoTransaction || down.Text.TrimStart().StartsWith(NoTransactionDirective, StringComparison.OrdinalIgnoreCase);
            return script with { Body = ScriptText.InMemory(down.Text), NoTransaction = noTransaction, Placeholder = SqlScriptSplitter.HasNoStatements(down.Text), HeldOutRows = null };
        }

        return null;
    }

    /// <summary>What a file's name (and, for repeatables, its folder) says it is; null when it is not a migration.</summary>
    public static MigrationFileName? ParseName(MigrationSourceFile file)
    {
        var inRepeatableFolder = Path.GetFileName(Path.GetDirectoryName(file.DisplayPath)) is { } folder
            && (folder.Equals("repeatables", StringComparison.OrdinalIgnoreCase) || folder.Equals("repeatable", StringComparison.OrdinalIgnoreCase));
        return inRepeatableFolder || file.FileName.StartsWith(MigrationFileName.RepeatablePrefix, StringComparison.OrdinalIgnoreCase)
            ? MigrationFileName.TryParseRepeatable(file.FileName, inRepeatableFolder)
            : MigrationFileName.TryParse(file.FileName);
    }

    /// <summary>Reads one file strictly as UTF-8 and computes its checksum, once per file object of a source.</summary>
    public static MigrationScript Read(MigrationSourceFile file, MigrationFileName name)
    {
        if (ReadOnce.TryGetValue(file, out var cached))
        {
            return cached;
        }

        var script = ReadUncached(file, name);
        ReadOnce.AddOrUpdate(file, script);
        return script;
    }

    private const int ConcurrentHashBytes = 1 << 20;

    private static MigrationScript ReadUncached(MigrationSourceFile file, MigrationFileName name)
    {
        var bytes = file.ReadBytes();
        // A large file (a data dump) is hashed on another core while it is looked over and the run takes its lock.
        // Its bytes are valid UTF-8 whenever the checksum is used: an invalid file is refused below.
        var hashing = bytes.Length >= ConcurrentHashBytes
            ? Task.Run(() => MigrationChecksum.TryHashAsIs(bytes) ?? MigrationChecksum.Compute(Encoding.UTF8.GetString(bytes)))
            : null;
        // UTF-16 without a byte order mark decodes as "valid" UTF-8 full of NUL characters; no SQL file has one.
        if (bytes.AsSpan().IndexOf((byte)0) is var nul and >= 0)
        {
            throw new MigrationException(Errors.InvalidUtf8(file.DisplayPath, 1 + bytes.AsSpan(0, nul).Count((byte)'\n'), "a NUL byte (the file looks like UTF-16 without a byte order mark)"));
        }

        // A data dump's COPY rows are held out of the text (sent as the file's bytes); a dbmate file keeps its text whole.
        var heldOut = Sql.HeldOutCopyRows.TryHoldOut(bytes);
        if (heldOut is { } held && DbmateSections.TryFind(held.Text) is not null)
        {
            heldOut = null;
        }

        var raw = heldOut?.Text ?? Decode(file, bytes);
        var text = MigrationChecksum.NormalizeLineEndings(raw);
        var empty = text.AsSpan().Trim().IsEmpty;
        var dbmate = DbmateSections.TryFind(text);
        // Another tool's up file (or dbmate up section) that is empty or only comments is that tool's placeholder:
        // pop writes one where a database needs nothing for a version. In our own naming an empty file is a mistake.
        var runs = dbmate?.Text ?? text;
        var placeholder = (name.IsPaired || dbmate is not null) && SqlScriptSplitter.HasNoStatements(runs);
        if (empty && !placeholder)
        {
            throw new MigrationException(Errors.EmptyMigration(file.DisplayPath));
        }

        var noTransaction = name.Autocommit || dbmate is { NoTransaction: true }
            || runs.AsSpan().TrimStart().StartsWith(NoTransactionDirective, StringComparison.OrdinalIgnoreCase);
        // The checksum covers the whole file: with rows held out of the text, only its bytes or a whole decoding have them.
        var checksum = hashing ?? Task.FromResult(MigrationChecksum.TryHashAsIs(bytes) ?? MigrationChecksum.Compute(heldOut is null ? raw : Decode(file, bytes)));
        // Rows held out of the text are the file's bytes, kept anyway: such a script keeps its (small) text too.
        var body = heldOut is null ? ScriptText.FromFile(runs, () => ReadAgain(file, checksum)) : ScriptText.InMemory(runs);
        return new MigrationScript(name.Version, name.Description, file.FileName, file.DisplayPath, body, checksum, noTransaction)
        {
            HeldOutRows = heldOut?.Rows,
            Placeholder = placeholder,
            HasDownSection = dbmate is { HasDown: true },
            RepeatableName = name.RepeatableName,
            Source = file,
        };
    }

    /// <summary>
    /// The text of a script that let it go, read from its file again. The file must still have the checksum the run
    /// checked and planned with; an edit since then is an error, not a different script run under the old checksum.
    /// </summary>
    private static string ReadAgain(MigrationSourceFile file, Task<string> checksum)
    {
        var bytes = file.ReadBytes();
        var planned = checksum.GetAwaiter().GetResult();
        var asIs = MigrationChecksum.TryHashAsIs(bytes);
        if (asIs is not null && asIs != planned)
        {
            throw new MigrationException(Errors.ChangedDuringRun(file.DisplayPath));
        }

        var raw = Decode(file, bytes);
        if (asIs is null && MigrationChecksum.Compute(raw) != planned)
        {
            throw new MigrationException(Errors.ChangedDuringRun(file.DisplayPath));
        }

        var text = MigrationChecksum.NormalizeLineEndings(raw);
        return DbmateSections.TryFind(text)?.Text ?? text;
    }

    private static string Decode(MigrationSourceFile file, byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(e.Index, 0, bytes.Length)).Count((byte)'\n');
            throw new MigrationException(Errors.InvalidUtf8(file.DisplayPath, line, "its first bad byte"));
        }
    }

    /// <summary>
    /// A set larger than the budget keeps none of its texts: a run needs one at a time, and reads each again when it
    /// comes (<see cref="ScriptText"/>). They are let go as the set is read, so that reading it never holds more than
    /// the budget either. A script larger than the budget by itself keeps its text: it is held whole while it runs
    /// anyway, and reading it again would only add a copy.
    /// </summary>
    private sealed class TextBudget
    {
        private readonly List<ScriptText> _kept = [];
        private long _total;

        public bool Exceeded => _total > ScriptText.KeptChars;

        public MigrationScript Count(MigrationScript script)
        {
            _total += script.Body.Length;
            if (script.Body.Length <= ScriptText.KeptChars)
            {
                _kept.Add(script.Body);
            }

            if (Exceeded)
            {
                _kept.ForEach(text => text.LetGo());
                _kept.Clear();
            }

            return script;
        }
    }

    private sealed class VersionGroup
    {
        private (MigrationSourceFile File, MigrationFileName Name)? _neutral;
        private readonly Dictionary<string, (MigrationSourceFile File, MigrationFileName Name)> _variants = new();

        public MigrationSourceFile AnyFile { get; private set; } = null!;

        /// <summary>Every file of the version is an up file of another tool's convention.</summary>
        public bool AllPaired { get; private set; } = true;

        public void Add(MigrationSourceFile file, MigrationFileName name, string? variant, List<MigrationDiagnostic> diagnostics)
        {
            AnyFile ??= file;
            AllPaired &= name.IsPaired;
            if (variant is null)
            {
                if (_neutral is { } neutral)
                {
                    diagnostics.Add(Errors.DuplicateVersion(file.DisplayPath, name.Id, neutral.File.DisplayPath));
                    return;
                }

                _neutral = (file, name);
                return;
            }

            if (_variants.TryGetValue(variant, out var existing))
            {
                var sameDescription = existing.Name.Description == name.Description;
                diagnostics.Add(sameDescription
                    ? Errors.AmbiguousVariant(file.DisplayPath, existing.File.DisplayPath)
                    : Errors.DuplicateVersion(file.DisplayPath, name.Id, existing.File.DisplayPath));
                return;
            }

            _variants[variant] = (file, name);
        }

        /// <summary>The provider's own variant wins over a provider-neutral file.</summary>
        public (MigrationSourceFile File, MigrationFileName Name)? For(string provider) =>
            _variants.TryGetValue(provider, out var variant) ? variant : _neutral;
    }
}

/// <summary>
/// The migrations of one provider and what was left out: files for other databases (by tag), versions that only
/// other providers have, placeholders and down files, each for one summary line rather than a line per file.
/// </summary>
internal sealed record CatalogResult(
    IReadOnlyList<MigrationScript> Scripts,
    IReadOnlyList<MigrationDiagnostic> Diagnostics,
    IReadOnlyDictionary<string, int> OtherDatabaseFiles,
    int OtherProviderOnlyVersions,
    int Placeholders,
    int DownFiles)
{
    /// <summary>The repeatable migrations of this provider, in name order.</summary>
    public IReadOnlyList<MigrationScript> Repeatables { get; init; } = [];

    /// <summary>The set is larger than <see cref="ScriptText.KeptChars"/>: its scripts read their texts again when needed.</summary>
    public bool TextsLetGo { get; init; }
}
