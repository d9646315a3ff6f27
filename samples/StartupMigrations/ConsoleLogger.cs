using Microsoft.Extensions.Logging;

namespace StartupMigrations;

/// <summary>Writes the engine's [MIGRATE] lines to the console (the sample needs no logging framework).</summary>
internal sealed class ConsoleLogger : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.WriteLine(formatter(state, exception));
        }
    }
}
