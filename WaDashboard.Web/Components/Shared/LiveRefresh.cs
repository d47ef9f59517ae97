using System.Diagnostics;
using System.Threading.Channels;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Components.Shared;

/// <summary>
/// Re-renders a component when fleet events it cares about arrive, coalescing bursts into one render, and
/// optionally once per tick (for countdowns). With a minimum interval, renders are also spaced in time: the first
/// change after a quiet spell renders at once, the changes that follow within the interval render together at its
/// end. Both loops are owned: disposing cancels and awaits them.
/// </summary>
public sealed class LiveRefresh : IAsyncDisposable
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>
    /// A good spacing for a page that shows many accounts: at most 20 renders a second per tab, and a change waits at
    /// most this long for its render.
    /// </summary>
    public static readonly TimeSpan FleetPageInterval = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _cancel = new();
    private readonly IDisposable _subscription;
    private readonly Task _renderLoop;
    private readonly Task _tickLoop;

    /// <param name="invoke">The component's InvokeAsync.</param>
    /// <param name="render">Runs on the component's dispatcher: re-reads state and calls StateHasChanged.</param>
    /// <param name="minInterval">
    /// Least time between two renders, measured on the real clock (it spaces work for the browser, not the fleet's
    /// timeline, so it holds under a simulated clock too); null renders every change at once.
    /// </param>
    public LiveRefresh(FleetEvents events, Func<FleetEvent, bool> wants, Func<Func<Task>, Task> invoke, Func<Task> render, TimeProvider time,
        TimeSpan? tick = null, TimeSpan? minInterval = null)
    {
        _subscription = events.Subscribe(e =>
        {
            if (wants(e))
            {
                _signals.Writer.TryWrite(true);
            }
        });
        _renderLoop = RenderLoopAsync(invoke, render, minInterval ?? TimeSpan.Zero, _cancel.Token);
        _tickLoop = tick is { } period ? TickLoopAsync(period, time, _cancel.Token) : Task.CompletedTask;
    }

    private async Task RenderLoopAsync(Func<Func<Task>, Task> invoke, Func<Task> render, TimeSpan minInterval, CancellationToken cancel)
    {
        long? lastRender = null;
        try
        {
            while (await _signals.Reader.WaitToReadAsync(cancel))
            {
                if (lastRender is { } last && minInterval - Stopwatch.GetElapsedTime(last) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, cancel);
                }

                _signals.Reader.TryRead(out _);
                lastRender = Stopwatch.GetTimestamp();
                await invoke(render);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away.
        }
    }

    private async Task TickLoopAsync(TimeSpan period, TimeProvider time, CancellationToken cancel)
    {
        try
        {
            using var timer = new PeriodicTimer(period, time);
            while (await timer.WaitForNextTickAsync(cancel))
            {
                _signals.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _cancel.CancelAsync();
        _signals.Writer.TryComplete();
        await Task.WhenAll(_renderLoop, _tickLoop);
        _cancel.Dispose();
    }
}
