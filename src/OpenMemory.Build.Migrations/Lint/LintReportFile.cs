using System.Text.Json;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// The lint report: every finding with its state (reported, or suppressed with its reason). Validation writes it
/// when it runs; the build reads it back on every build, less what the baseline lists, so findings are reported
/// again while the validation itself is skipped as up to date.
/// </summary>
internal static class LintReportFile
{
    public const int SchemaVersion = 1;

    public static void Write(string path, string module, string provider, IReadOnlyList<LintFinding> findings)
    {
        try
        {
            IO.AtomicFile.Write(path, stream => Write(stream, module, provider, findings));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException(Errors.CannotWriteFile(path, e.Message));
        }
    }

    private static void Write(Stream stream, string module, string provider, IReadOnlyList<LintFinding> findings)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteNumber("lintVersion", SchemaVersion);
        json.WriteString("module", module);
        json.WriteString("provider", provider);
        json.WriteStartObject("totals");
        json.WriteNumber("reported", findings.Count(f => f.IsReported));
        json.WriteNumber("suppressed", findings.Count(f => f.SuppressedBecause is not null));
        json.WriteEndObject();
        json.WriteStartArray("findings");
        foreach (var finding in findings)
        {
            json.WriteStartObject();
            json.WriteString("code", finding.Code);
            json.WriteString("rule", LintRules.Find(finding.Code)?.Name);
            json.WriteString("severity", finding.Severity == DiagnosticSeverity.Error ? "error" : "warning");
            json.WriteString("file", finding.File);
            json.WriteNumber("line", finding.Line);
            json.WriteNumber("column", finding.Column);
            json.WriteString("message", finding.Message);
            json.WriteString("fingerprint", finding.Fingerprint);
            json.WriteString("state", finding.SuppressedBecause is not null ? "suppressed" : "reported");
            if (finding.SuppressedBecause is not null)
            {
                json.WriteString("reason", finding.SuppressedBecause);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static (string Provider, IReadOnlyList<LintFinding> Findings) Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var provider = document.RootElement.GetProperty("provider").GetString()!;
        var findings = new List<LintFinding>();
        foreach (var item in document.RootElement.GetProperty("findings").EnumerateArray())
        {
            var state = item.GetProperty("state").GetString();
            findings.Add(new LintFinding(
                item.GetProperty("code").GetString()!,
                item.GetProperty("file").GetString()!,
                item.GetProperty("line").GetInt32(),
                item.GetProperty("column").GetInt32(),
                item.GetProperty("message").GetString()!,
                item.GetProperty("fingerprint").GetString()!,
                item.GetProperty("severity").GetString() == "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning)
            {
                SuppressedBecause = state == "suppressed" ? item.GetProperty("reason").GetString() : null,
            });
        }

        return (provider, findings);
    }
}
