using Microsoft.Extensions.Hosting;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Health;

public sealed record Alert(long Id, string AccountId, string AccountName, string Message, DateTimeOffset At);

/// <summary>
/// Keeps the most recent alerts (logout, ban, replaced, give-up, loop breaker) for the dashboard until a person
/// dismisses them. Subscribes when the host starts, so nothing raised before a page opens is missed.
/// </summary>
public sealed class AlertCenter(FleetEvents events) : IHostedService
{
    public const int Capacity = 200;
    private readonly object _lock = new();
    private readonly LinkedList<Alert> _alerts = new();
    private IDisposable? _subscription;
    private long _nextId;

    public IReadOnlyList<Alert> Recent
    {
        get
        {
            lock (_lock)
            {
                return _alerts.ToList();
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe(e =>
        {
            if (e is AlertRaised raised)
            {
                Add(raised);
            }
        });
        return Task.CompletedTask;
    }

    private void Add(AlertRaised raised)
    {
        lock (_lock)
        {
            _alerts.AddFirst(new Alert(++_nextId, raised.AccountId, raised.AccountName, raised.Message, raised.At));
            while (_alerts.Count > Capacity)
            {
                _alerts.RemoveLast();
            }
        }
    }

    public void DismissAll()
    {
        lock (_lock)
        {
            _alerts.Clear();
        }

        events.Publish(new AlertsDismissed());
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
