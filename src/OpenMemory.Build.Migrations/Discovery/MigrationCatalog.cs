using System.Text;
using OpenMemory.Build.Migrations.Checksums;
using OpenMemory.Build.Migrations.Diagnostics;

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
        var diagnostics = new List<MigrationDiagnostic>();
        var groups = new Dictionary<MigrationVersion, VersionGroup>();
        foreach (var file in source.GetFiles())
        {
            var name = MigrationFileName.TryParse(file.FileName);
            if (name is null)
            {
                diagnostics.Add(Errors.NoVersionInFileName(file.DisplayPath));
                continue;
            }

            string? variant = null;
            if (name.ProviderTag is not null)
            {
                variant = ProviderTags.Normalize(name.ProviderTag);
                if (variant is null)
                {
                    diagnostics.Add(Errors.UnknownProviderVariant(file.DisplayPath, name.ProviderTag));
                    continue;
                }
            }

            if (!groups.TryGetValue(name.Version, out var group))
            {
                groups[name.Version] = group = new VersionGroup();
            }

            group.Add(file, name, variant, diagnostics);
        }

        var scripts = new List<MigrationScript>(groups.Count);
        foreach (var (version, group) in groups.OrderBy(g => g.Key))
        {
            var chosen = group.For(provider);
            if (chosen is null)
            {
                diagnostics.Add(Errors.MissingProviderVariant(group.AnyFile.DisplayPath, version.Text, provider));
                continue;
            }

            try
            {
                scripts.Add(Read(chosen.Value.File, chosen.Value.Name));
            }
            catch (MigrationException e)
            {
                diagnostics.Add(e.Diagnostic);
            }
        }

        return (scripts, diagnostics);
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

    private static MigrationScript ReadUncached(MigrationSourceFile file, MigrationFileName name)
    {
        var bytes = file.ReadBytes();
        // UTF-16 without a byte order mark decodes as "valid" UTF-8 full of NUL characters; no SQL file has one.
        if (bytes.AsSpan().IndexOf((byte)0) is var nul and >= 0)
        {
            throw new MigrationException(Errors.InvalidUtf8(file.DisplayPath, 1 + bytes.AsSpan(0, nul).Count((byte)'\n'), "a NUL byte (the file looks like UTF-16 without a byte order mark)"));
        }

        string raw;
        try
        {
            raw = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(e.Index, 0, bytes.Length)).Count((byte)'\n');
            throw new MigrationException(Errors.InvalidUtf8(file.DisplayPath, line, "its first bad byte"));
        }

        var text = MigrationChecksum.NormalizeLineEndings(raw);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new MigrationException(Errors.EmptyMigration(file.DisplayPath));
        }

        var noTransaction = trimmed.StartsWith(NoTransactionDirective, StringComparison.OrdinalIgnoreCase);
        return new MigrationScript(name.Version, name.Description, file.FileName, file.DisplayPath, text,
            MigrationChecksum.HashNormalized(trimmed), noTransaction);
    }

    private sealed class VersionGroup
    {
        private (MigrationSourceFile File, MigrationFileName Name)? _neutral;
        private readonly Dictionary<string, (MigrationSourceFile File, MigrationFileName Name)> _variants = new();

        public MigrationSourceFile AnyFile { get; private set; } = null!;

        public void Add(MigrationSourceFile file, MigrationFileName name, string? variant, List<MigrationDiagnostic> diagnostics)
        {
            AnyFile ??= file;
            if (variant is null)
            {
                if (_neutral is { } neutral)
                {
                    diagnostics.Add(Errors.DuplicateVersion(file.DisplayPath, name.Version.Text, neutral.File.DisplayPath));
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
                    : Errors.DuplicateVersion(file.DisplayPath, name.Version.Text, existing.File.DisplayPath));
                return;
            }

            _variants[variant] = (file, name);
        }

        /// <summary>The provider's own variant wins over a provider-neutral file.</summary>
        public (MigrationSourceFile File, MigrationFileName Name)? For(string provider) =>
            _variants.TryGetValue(provider, out var variant) ? variant : _neutral;
    }
}
