using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Lint;

/// <summary>One lint rule: its code, the providers it reads, and the two sentences every finding carries.</summary>
internal sealed record LintRule(
    string Code,
    string Name,
    LintProviders Providers,
    string Danger,
    string Fix,
    DiagnosticSeverity Severity = DiagnosticSeverity.Warning);

[Flags]
internal enum LintProviders
{
    Postgres = 1,
    Sqlite = 2,
    Both = Postgres | Sqlite,
}
