using System.Text.Json;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// The committed list of accepted findings, like Android lint's baseline: a finding whose fingerprint is listed is
/// not reported. Entries name the rule, file and line for reviewers; only the fingerprint is matched, so moving
/// lines does not bring a finding back.
/// </summary>
internal static class LintBaseline
{
    public static IReadOnlySet<string> Read(string path) => Entries(path).Select(e => e.Fingerprint).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<LintFinding> Apply(IReadOnlyList<LintFinding> findings, IReadOnlySet<string> baseline) =>
        baseline.Count == 0 ? findings : findings.Select(f => baseline.Contains(f.Fingerprint) ? f with { Baselined = true } : f).ToList();

    /// <summary>Replaces the provider's entries; a project that lints for both providers keeps one baseline.</summary>
    public static void Write(string path, string provider, IEnumerable<LintFinding> findings)
    {
        var kept = OtherProviders(path, provider);
        var entries = findings.Select(f => new Entry(f.Code, Path.GetFileName(f.File), f.Line, f.Fingerprint, provider)).Concat(kept);
        try
        {
            IO.AtomicFile.Write(path, stream =>
            {
                using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                json.WriteStartObject();
                json.WriteString("description", "Lint findings accepted as they are. Written by dotnet build -p:MigrationLintUpdateBaseline=true; a listed finding is not reported.");
                json.WriteStartArray("findings");
                foreach (var entry in entries.OrderBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Code, StringComparer.Ordinal).ThenBy(e => e.Provider, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("code", entry.Code);
                    json.WriteString("file", entry.File);
                    json.WriteNumber("line", entry.Line);
                    json.WriteString("provider", entry.Provider);
                    json.WriteString("fingerprint", entry.Fingerprint);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.Flush();
                stream.WriteByte((byte)'\n');
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException(Errors.CannotWriteFile(path, e.Message));
        }
    }

    private sealed record Entry(string Code, string File, int Line, string Fingerprint, string Provider);

    private static List<Entry> OtherProviders(string path, string provider)
    {
        try
        {
            return Entries(path).Where(e => e.Provider.Length > 0 && e.Provider != provider).ToList();
        }
        catch (MigrationException)
        {
            return []; // An unreadable baseline is rewritten whole.
        }
    }

    /// <summary>The baseline's entries; one without a provider belongs to whichever provider rewrites the file.</summary>
    private static List<Entry> Entries(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.GetProperty("findings").EnumerateArray()
                .Select(f => new Entry(
                    f.GetProperty("code").GetString()!,
                    f.GetProperty("file").GetString()!,
                    f.GetProperty("line").GetInt32(),
                    f.GetProperty("fingerprint").GetString()!,
                    f.TryGetProperty("provider", out var p) ? p.GetString()! : ""))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new MigrationException(Errors.LintBaselineUnreadable(path, e.Message));
        }
    }
}
