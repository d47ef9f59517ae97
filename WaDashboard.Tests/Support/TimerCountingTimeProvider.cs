using Microsoft.Extensions.Time.Testing;

namespace WaDashboard.Tests.Support;

/// <summary>
/// <see cref="FakeTimeProvider"/> that also counts its timers still waiting to fire, so a test can prove that code it
/// stopped left no timer behind. The clock itself is the library's; only the count is added here, because
/// FakeTimeProvider keeps its timers in an internal set it does not expose.
/// </summary>
public sealed class TimerCountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object _lock = new();
    private readonly HashSet<CountedTimer> _pending = [];

    public TimerCountingTimeProvider()
        : this(TestClock.Start)
    {
    }

    /// <summary>Timers created here, not disposed, with a firing still to come (a periodic one, or a one-shot not yet fired).</summary>
    public int ActiveTimers
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new CountedTimer(this);
        timer.Inner = base.CreateTimer(s => timer.Fire(callback, s), state, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Mark(CountedTimer timer, bool pending)
    {
        lock (_lock)
        {
            if (pending)
            {
                _pending.Add(timer);
            }
            else
            {
                _pending.Remove(timer);
            }
        }
    }

    private sealed class CountedTimer(TimerCountingTimeProvider owner) : ITimer
    {
        private bool _periodic;

        public ITimer Inner { get; set; } = null!;

        public void Fire(TimerCallback callback, object? state)
        {
            if (!_periodic)
            {
                owner.Mark(this, pending: false);
            }

            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _periodic = period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero;
            owner.Mark(this, pending: dueTime != Timeout.InfiniteTimeSpan);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            owner.Mark(this, pending: false);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
