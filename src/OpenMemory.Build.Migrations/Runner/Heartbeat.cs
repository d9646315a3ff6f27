using System.Diagnostics;

namespace OpenMemory.Build.Migrations.Runner;

/// <summary>
/// Calls <c>beat</c> every interval until disposed, with the time elapsed: a long migration prints a line now and
/// then, so that CI does not mistake it for a hang. A beat that fails is skipped; it never affects the migration.
/// </summary>
internal sealed class Heartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PeriodicTimer? _timer;
    private readonly Task _loop;

    private Heartbeat(TimeSpan interval, Func<TimeSpan, CancellationToken, Task> beat)
    {
        if (interval <= TimeSpan.Zero)
        {
            _loop = Task.CompletedTask;
            return;
        }

        // The loop runs up to its first wait here and goes on from the timer: a migration pays no thread hop for it.
        _timer = new PeriodicTimer(interval);
        _loop = LoopAsync(_timer, beat);
    }

    public static Heartbeat Start(TimeSpan interval, Func<TimeSpan, CancellationToken, Task> beat) => new(interval, beat);

    private async Task LoopAsync(PeriodicTimer timer, Func<TimeSpan, CancellationToken, Task> beat)
    {
        var elapsed = Stopwatch.StartNew();

        // Disposing the timer ends the wait with false. Cancelling the wait instead would throw, and capture a stack
        // trace, once per migration.
        while (await timer.WaitForNextTickAsync())
        {
            try
            {
                await beat(elapsed.Elapsed, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Observing the database is best effort.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _timer?.Dispose();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
