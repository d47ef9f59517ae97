using System.Threading.Channels;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Components.Shared;

/// <summary>
/// Re-renders a component when fleet events it cares about arrive, coalescing bursts into one render, and
/// optionally once per tick (for countdowns). Both loops are owned: disposing cancels and awaits them.
/// </summary>
public sealed class LiveRefresh : IAsyncDisposable
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _cancel = new();
    private readonly IDisposable _subscription;
    private readonly Task _renderLoop;
    private readonly Task _tickLoop;

    /// <param name="invoke">The component's InvokeAsync.</param>
    /// <param name="render">Runs on the component's dispatcher: re-reads state and calls StateHasChanged.</param>
    public LiveRefresh(FleetEvents events, Func<FleetEvent, bool> wants, Func<Func<Task>, Task> invoke, Func<Task> render, TimeProvider time, TimeSpan? tick = null)
    {
        _subscription = events.Subscribe(e =>
        {
            if (wants(e))
            {
                _signals.Writer.TryWrite(true);
            }
        });
        _renderLoop = RenderLoopAsync(invoke, render, _cancel.Token);
        _tickLoop = tick is { } period ? TickLoopAsync(period, time, _cancel.Token) : Task.CompletedTask;
    }

    private async Task RenderLoopAsync(Func<Func<Task>, Task> invoke, Func<Task> render, CancellationToken cancel)
    {
        try
        {
            while (await _signals.Reader.WaitToReadAsync(cancel))
            {
                _signals.Reader.TryRead(out _);
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
