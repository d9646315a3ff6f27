using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Microsoft.Extensions.Logging;
using OpenMemory.Build.Migrations.Runner;
using IEngineLogger = Microsoft.Extensions.Logging.ILogger;

namespace OpenMemory.Build.Tasks;

/// <summary>
/// Forwards the engine's progress messages to the build log at the verbosity MSBuild users expect: what a run did
/// (a line per applied migration, the summary, heartbeats) from the default verbosity up, the steps in between from
/// <c>-v:n</c>, and each statement's line and time from <c>-v:d</c>. At <c>-v:q</c> only errors and warnings remain;
/// those reach the build through the engine's result, with their file and line.
/// </summary>
internal sealed class MSBuildLogger(TaskLoggingHelper log) : IEngineLogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => log.LogsMessagesOfImportance(Importance(logLevel, default));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        log.LogMessage(Importance(logLevel, eventId), formatter(state, exception));

    private static MessageImportance Importance(LogLevel level, EventId eventId) =>
        level < LogLevel.Information ? MessageImportance.Low
        : eventId.Id == RunLog.Step.Id ? MessageImportance.Normal
        : MessageImportance.High;
}
