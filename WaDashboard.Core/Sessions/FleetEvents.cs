using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Sessions;

public abstract record FleetEvent;

/// <summary>An engine reported a delivery receipt for a message it sent (the outbox moves the message on).</summary>
public sealed record MessageAckObserved(Engines.MessageAcknowledged Ack) : FleetEvent;

public sealed record AccountChanged(AccountState State) : FleetEvent;

public sealed record AccountRemoved(string AccountId) : FleetEvent;

public sealed record AlertRaised(string AccountId, string AccountName, string Message, DateTimeOffset At) : FleetEvent;

/// <summary>Someone dismissed alerts; pages showing them re-render.</summary>
public sealed record AlertsDismissed : FleetEvent;

/// <summary>Something in the session folders changed (a repair, a quarantine, a cleanup step); null means the whole root.</summary>
public sealed record SessionStorageChanged(string? AccountId) : FleetEvent;

/// <summary>
/// The in-process hub components subscribe to. Handlers must be quick (a component marks itself dirty and
/// schedules a render); a throwing handler is logged and does not affect the others.
/// </summary>
public sealed class FleetEvents(ILogger<FleetEvents> logger)
{
    private readonly object _lock = new();
    private Action<FleetEvent>[] _handlers = [];

    public IDisposable Subscribe(Action<FleetEvent> handler)
    {
        lock (_lock)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    public int SubscriberCount => Volatile.Read(ref _handlers).Length;

    public void Publish(FleetEvent fleetEvent)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(fleetEvent);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "A fleet event subscriber failed on {EventType}", fleetEvent.GetType().Name);
            }
        }
    }

    private void Unsubscribe(Action<FleetEvent> handler)
    {
        lock (_lock)
        {
            _handlers = _handlers.Where(h => h != handler).ToArray();
        }
    }

    private sealed class Subscription(FleetEvents owner, Action<FleetEvent> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(handler);
            }
        }
    }
}
