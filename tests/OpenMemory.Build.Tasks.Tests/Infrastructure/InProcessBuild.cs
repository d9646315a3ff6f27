using System.Reflection;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;

namespace OpenMemory.Build.Tasks.Tests.Infrastructure;

public sealed record BuildOutcome(bool Succeeded, IReadOnlyList<BuildErrorEventArgs> Errors, IReadOnlyList<BuildWarningEventArgs> Warnings, string Log)
{
    /// <summary>The log in an assertion message, so a red test explains itself.</summary>
    public override string ToString() => Log;
}

/// <summary>Builds a project in this process with node reuse off; one build at a time (BuildManager is process-wide).</summary>
public static class InProcessBuild
{
    private static readonly object Gate = new();

    public static string TasksAssembly { get; } = Metadata("TasksAssembly");

    public static string TasksBuildFolder { get; } = Metadata("TasksBuildFolder");

    public static BuildOutcome Run(string projectPath, string target, IDictionary<string, string>? properties = null) =>
        Run(projectPath, target, properties, console: null);

    /// <summary>
    /// Builds with MSBuild's own console logger at the given verbosity and returns what it printed. The engine then
    /// knows the verbosity, as in a real <c>dotnet build -v:x</c>, and tasks see which messages are wanted.
    /// </summary>
    public static (BuildOutcome Outcome, string Console) RunWithConsole(string projectPath, string target, LoggerVerbosity verbosity, IDictionary<string, string>? properties = null)
    {
        var printed = new System.Text.StringBuilder();
        var console = new Microsoft.Build.Logging.ConsoleLogger(verbosity, text => printed.Append(text), _ => { }, () => { });
        var outcome = Run(projectPath, target, properties, console);
        return (outcome, printed.ToString());
    }

    private static BuildOutcome Run(string projectPath, string target, IDictionary<string, string>? properties, Microsoft.Build.Framework.ILogger? console)
    {
        lock (Gate)
        {
            var logger = new CollectingLogger();
            var parameters = new BuildParameters
            {
                // A logger MSBuild does not know makes it assume every message is wanted, so the console logger is alone.
                Loggers = console is null ? [logger] : [console],
                EnableNodeReuse = false,
                MaxNodeCount = 1,
                DisableInProcNode = false,
            };
            var request = new BuildRequestData(projectPath, (properties ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, string? (p) => p.Value), null, [target], null);
            var result = BuildManager.DefaultBuildManager.Build(parameters, request);
            return new BuildOutcome(result.OverallResult == BuildResultCode.Success, logger.Errors, logger.Warnings, logger.Text);
        }
    }

    private static string Metadata(string key) =>
        typeof(InProcessBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private sealed class CollectingLogger : Microsoft.Build.Framework.ILogger
    {
        private readonly List<string> _lines = [];

        public List<BuildErrorEventArgs> Errors { get; } = [];

        public List<BuildWarningEventArgs> Warnings { get; } = [];

        public string Text => string.Join('\n', _lines);

        public LoggerVerbosity Verbosity { get; set; } = LoggerVerbosity.Diagnostic;

        public string? Parameters { get; set; }

        public void Initialize(IEventSource eventSource)
        {
            eventSource.MessageRaised += (_, e) => _lines.Add(e.Message ?? "");
            eventSource.ErrorRaised += (_, e) =>
            {
                Errors.Add(e);
                _lines.Add($"{e.File}({e.LineNumber},{e.ColumnNumber}): error {e.Code}: {e.Message}");
            };
            eventSource.WarningRaised += (_, e) =>
            {
                Warnings.Add(e);
                _lines.Add($"{e.File}({e.LineNumber},{e.ColumnNumber}): warning {e.Code}: {e.Message}");
            };
        }

        public void Shutdown()
        {
        }
    }
}
