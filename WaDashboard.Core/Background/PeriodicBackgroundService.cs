using Microsoft.Extensions.Hosting;

namespace WaDashboard.Core.Background;

/// <summary>
/// A background loop that does its work once at start, then on every tick of a <see cref="PeriodicTimer"/> on the
/// injected clock, until the host stops it. A tick that comes while the work still runs is taken when it ends.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider time) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    /// <summary>Read once, when the loop starts.</summary>
    protected abstract TimeSpan Period { get; }

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, Time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
