namespace OpenMemory.Build.Migrations.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>A coded problem found while planning or running migrations, located in a file where there is one.</summary>
public sealed record MigrationDiagnostic(
    string Code,
    DiagnosticSeverity Severity,
    string Message,
    string? File = null,
    int Line = 0,
    int Column = 0)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>Canonical MSBuild form: <c>file(line,col): error CODE: message</c>.</summary>
    public override string ToString()
    {
        var kind = IsError ? "error" : "warning";
        if (File is null)
        {
            return $"{kind} {Code}: {Message}";
        }

        var location = Line > 0 ? Column > 0 ? $"({Line},{Column})" : $"({Line})" : "";
        return $"{File}{location}: {kind} {Code}: {Message}";
    }
}

/// <summary>Thrown inside the engine for an expected failure; the runner turns it into a result, never lets it escape.</summary>
internal sealed class MigrationException(MigrationDiagnostic diagnostic) : Exception(diagnostic.Message)
{
    public MigrationDiagnostic Diagnostic { get; } = diagnostic;
}
