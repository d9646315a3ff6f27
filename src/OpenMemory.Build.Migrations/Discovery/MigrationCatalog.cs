using System.Text;
using OpenMemory.Build.Migrations.Checksums;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Discovery;

/// <summary>
/// Turns a source's files into the ordered migrations of one provider. All problems with the files are collected,
/// so one build reports every bad file at once.
/// </summary>
public static class MigrationCatalog
{
    private const string NoTransactionDirective = "-- omb:no-transaction";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Within one build, ValidateMigrations, the lock file and MigrateDatabase all read the same files; a reused
    // MSBuild node keeps this across builds. Keyed by path, length and modification time; bounded.
    private const int ReadCacheLimit = 50_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Text, string Checksum, bool NoTransaction)> ReadCache = new();

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

    /// <summary>Reads one file strictly as UTF-8 and computes its checksum (once per process for an unchanged file).</summary>
    public static MigrationScript Read(MigrationSourceFile file, MigrationFileName name)
    {
        if (file.Stamp is not null && ReadCache.TryGetValue(file.Stamp, out var cached))
        {
            return new MigrationScript(name.Version, name.Description, file.FileName, file.DisplayPath, cached.Text, cached.Checksum, cached.NoTransaction);
        }

        var script = ReadUncached(file, name);
        if (file.Stamp is not null)
        {
            if (ReadCache.Count >= ReadCacheLimit)
            {
                ReadCache.Clear();
            }

            ReadCache[file.Stamp] = (script.Text, script.Checksum, script.NoTransaction);
        }

        return script;
    }

    private static MigrationScript ReadUncached(MigrationSourceFile file, MigrationFileName name)
    {
        var bytes = file.ReadBytes();
        string raw;
        try
        {
            raw = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(e.Index, 0, bytes.Length)).Count((byte)'\n');
            throw new MigrationException(Errors.InvalidUtf8(file.DisplayPath, line));
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
