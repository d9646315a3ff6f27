using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Microsoft.Extensions.Logging;
using IEngineLogger = Microsoft.Extensions.Logging.ILogger;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Forwards the engine's progress messages to the build log, shown at normal verbosity. Coded errors and warnings
/// reach the build through the engine's result instead, with their file and line.
/// </summary>
internal sealed class MSBuildLogger(TaskLoggingHelper log) : IEngineLogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        log.LogMessage(logLevel >= LogLevel.Information ? MessageImportance.High : MessageImportance.Low, formatter(state, exception));
}
