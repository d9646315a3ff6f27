using System.Diagnostics;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// Calls <c>beat</c> every interval until disposed, with the time elapsed: a long migration prints a line now and
/// then, so that CI does not mistake it for a hang. A beat that fails is skipped; it never affects the migration.
/// </summary>
internal sealed class Heartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Heartbeat(TimeSpan interval, Func<TimeSpan, CancellationToken, Task> beat)
    {
        // The loop runs up to its first wait here and goes on from the timer: a migration pays no thread hop for it.
        _loop = interval <= TimeSpan.Zero ? Task.CompletedTask : LoopAsync(interval, beat);
    }

    public static Heartbeat Start(TimeSpan interval, Func<TimeSpan, CancellationToken, Task> beat) => new(interval, beat);

    private async Task LoopAsync(TimeSpan interval, Func<TimeSpan, CancellationToken, Task> beat)
    {
        var elapsed = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    await beat(elapsed.Elapsed, _stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Observing the database is best effort.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
