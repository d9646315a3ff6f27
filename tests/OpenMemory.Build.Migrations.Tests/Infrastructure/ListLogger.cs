using Microsoft.Extensions.Logging;

namespace OpenMemory.Build.Migrations.Tests.Infrastructure;

/// <summary>
/// Collects the engine's log lines at or above a level (Information, as an application's default) so a failing
/// assertion can show them.
/// </summary>
public sealed class ListLogger(LogLevel minimum = LogLevel.Information) : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join('\n', Lines);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(formatter(state, exception));
        }
    }
}
