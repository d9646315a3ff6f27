using System.Text;
using System.Text.RegularExpressions;
using OpenMemory.Build.Migrations.Discovery;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>
/// File names and versions are read by a scanner, not regular expressions (their first use cost a cold build tens of
/// milliseconds). The expressions it replaced are the specification: on generated names both must agree exactly.
/// </summary>
public partial class FileNameGrammarTests
{
    // Digits (an Arabic-Indic one too: \d is any Unicode digit), separators, prefixes, tags and extensions, so that the
    // generated names reach every branch: Flyway and plain versions, names, tags, up/down, autocommit and repeatables.
    private static readonly string[] Pieces =
    [
        "0", "1", "9", "00", "\u0663", "20250101120000", "123456789012345678901234567890", ".", "..", "_", "__", "-",
        "V", "v", "R", "r", "R__", "r__", "a", "Z", "x1", "name", "é", " ", "sql", "SQL", ".sql", ".SQL", ".postgres",
        ".sqlite", ".Up", ".down", ".autocommit", ".2", ".p9", ".9p", ".txt",
    ];

    [Fact]
    public void The_scanner_reads_every_generated_name_as_the_documented_patterns_do()
    {
        var random = new Random(20261130);
        var accepted = new Dictionary<string, int>();
        for (var i = 0; i < 60_000; i++)
        {
            var name = GeneratedName(random);
            var expected = Specification.TryParse(name);
            Assert.Equal(expected, Read(MigrationFileName.TryParse(name)));
            Count(accepted, expected, "versioned");
            foreach (var inFolder in new[] { false, true })
            {
                var repeatable = Specification.TryParseRepeatable(name, inFolder);
                Assert.Equal(repeatable, Read(MigrationFileName.TryParseRepeatable(name, inFolder)));
                Count(accepted, repeatable, inFolder ? "repeatable in its folder" : "repeatable");
            }
        }

        // The generator reaches names each reading accepts, not only names both refuse.
        Assert.All(new[] { "versioned", "repeatable", "repeatable in its folder" }, kind => Assert.True(accepted.GetValueOrDefault(kind) > 500, $"{kind}: {accepted.GetValueOrDefault(kind)}"));
    }

    [Fact]
    public void The_scanner_reads_every_generated_version_as_the_documented_pattern_does()
    {
        var random = new Random(1130);
        var accepted = 0;
        for (var i = 0; i < 60_000; i++)
        {
            var text = GeneratedVersion(random);
            var expected = VersionPattern().IsMatch(text) && !text.EndsWith('\n');
            Assert.True(expected == MigrationVersion.TryParse(text, out _), $"'{text}': the pattern says {expected}");
            accepted += expected ? 1 : 0;
        }

        Assert.True(accepted > 1_000, $"{accepted} accepted");
    }

    // Around the limits (10 segments of 30 digits), then now and again a character out of place.
    private static string GeneratedVersion(Random random)
    {
        var segments = Enumerable.Range(0, random.Next(1, 13)).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 33)).Select(_ => random.Next(12) switch
        {
            0 => '\u0663',
            1 => '0',
            _ => (char)('0' + random.Next(10)),
        })));
        var text = string.Join('.', segments);
        if (random.Next(3) == 0)
        {
            var at = random.Next(text.Length + 1);
            text = text[..at] + "..a -"[random.Next(5)] + text[at..];
        }

        return text;
    }

    private static string GeneratedName(Random random)
    {
        var name = new StringBuilder();
        for (var count = random.Next(1, 8); count > 0; count--)
        {
            name.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return name.Append(random.Next(3) == 0 ? "" : random.Next(2) == 0 ? ".sql" : ".Sql").ToString();
    }

    private static void Count(Dictionary<string, int> accepted, Reading? reading, string kind)
    {
        if (reading is not null)
        {
            accepted[kind] = accepted.GetValueOrDefault(kind) + 1;
        }
    }

    private sealed record Reading(string Version, string Description, string? ProviderTag, MigrationDirection Direction, bool Autocommit, string? RepeatableName);

    private static Reading? Read(MigrationFileName? name) => name is null
        ? null
        : new Reading(name.Version.Text, name.Description, name.ProviderTag, name.Direction, name.Autocommit, name.RepeatableName);

    /// <summary>The regular expressions the scanner replaced, and what was made of their groups.</summary>
    private static partial class Specification
    {
        public static Reading? TryParseRepeatable(string fileName, bool inRepeatableFolder)
        {
            var match = RepeatablePattern().Match(fileName);
            if (!match.Success || (!inRepeatableFolder && !match.Groups["prefix"].Success))
            {
                return null;
            }

            var tags = Tags(match);
            return tags.Count > 1 ? null : new Reading("0", Describe(match.Groups["name"].Value), tags.SingleOrDefault(), MigrationDirection.Plain, false, match.Groups["name"].Value);
        }

        public static Reading? TryParse(string fileName)
        {
            var match = FlywayPattern().Match(fileName);
            var versionText = match.Success ? match.Groups["version"].Value.Replace('_', '.') : null;
            if (!match.Success)
            {
                match = PlainPattern().Match(fileName);
                versionText = match.Success ? match.Groups["version"].Value : null;
            }

            if (!match.Success || !VersionPattern().IsMatch(versionText!))
            {
                return null;
            }

            var tags = Tags(match);
            var direction = MigrationDirection.Plain;
            if (tags.Count > 0 && tags[^1] is "up" or "down")
            {
                direction = tags[^1] == "up" ? MigrationDirection.Up : MigrationDirection.Down;
                tags.RemoveAt(tags.Count - 1);
            }

            var autocommit = tags.Remove("autocommit");
            return tags.Count > 1 ? null : new Reading(versionText!, Describe(match.Groups["name"].Value), tags.SingleOrDefault(), direction, autocommit, null);
        }

        private static List<string> Tags(Match match) =>
            [.. match.Groups["tags"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant())];

        private static string Describe(string name)
        {
            var words = name.Replace("__", " ").Replace('_', ' ').Trim();
            return words.Length == 0 ? "" : char.ToUpper(words[0], System.Globalization.CultureInfo.InvariantCulture) + words[1..];
        }

        [GeneratedRegex(@"^(?<prefix>[Rr]__)?(?<name>[^.]+)(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)?)\.sql$", RegexOptions.IgnoreCase)]
        private static partial Regex RepeatablePattern();

        [GeneratedRegex(@"^[Vv](?<version>\d+(?:[._]\d+)*)__(?<name>[^.]*)(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)*)\.sql$", RegexOptions.IgnoreCase)]
        private static partial Regex FlywayPattern();

        [GeneratedRegex(@"^(?<version>\d+(?:\.\d+)*)(?:[_-](?<name>[^.]*))?(?<tags>(?:\.[A-Za-z][A-Za-z0-9]*)*)\.sql$", RegexOptions.IgnoreCase)]
        private static partial Regex PlainPattern();
    }

    [GeneratedRegex(@"^\d{1,30}(\.\d{1,30}){0,9}$")]
    private static partial Regex VersionPattern();
}
