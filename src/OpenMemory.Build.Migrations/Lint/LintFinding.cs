using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>
/// One rule's finding at file(line,col). <see cref="Fingerprint"/> identifies it in a baseline without its line, so
/// a finding stays baselined when lines above it move.
/// </summary>
internal sealed record LintFinding(
    string Code,
    string File,
    int Line,
    int Column,
    string Message,
    string Fingerprint,
    DiagnosticSeverity Severity)
{
    /// <summary>The reason of the file's <c>-- omb:disable</c> comment, when one turns this finding off.</summary>
    public string? SuppressedBecause { get; init; }

    /// <summary>Listed in the project's lint baseline.</summary>
    public bool Baselined { get; init; }

    public bool IsReported => SuppressedBecause is null && !Baselined;

    public MigrationDiagnostic ToDiagnostic(DiagnosticSeverity severity) => new(Code, severity, Message, File, Line, Column);
}
