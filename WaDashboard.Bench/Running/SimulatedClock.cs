namespace WaDashboard.Bench.Running;

/// <summary>
/// A clock that moves only when <see cref="Advance"/> is called. Timers (one-shot and periodic) fire in due order
/// with the clock set to their due time; callbacks run outside the clock's lock, so they may create or change
/// timers. A priority queue keeps it fast with tens of thousands of timers.
/// </summary>
/// <remarks>
/// The tests use Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider; the storm cannot, for three reasons.
/// FakeTimeProvider sets the clock to the end of an Advance before it fires anything, so a timer armed from another's
/// callback (the simulator's connect and QR timers, the supervisors' backoff) and due inside the same step waits for the
/// next step (dotnet/extensions#5722), which would shift every measured recovery time. It finds each timer to fire by
/// scanning all of them (quadratic with 10,000 sessions per step) and sleeps 1 ms in every Advance (up to 144,000 steps
/// in the 2-hour limit). And it does not tell whether a step fired anything, which <see cref="Fired"/> does so the storm
/// skips waiting for an idle product after a step that started nothing.
/// </remarks>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly object _lock = new();
    private readonly PriorityQueue<(ClockTimer Timer, long Version), (DateTimeOffset Due, long Sequence)> _due = new();
    private DateTimeOffset _now = start;
    private long _sequence;
    private long _fired;

    /// <summary>Timer callbacks run so far.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ClockTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>When the next timer is due, if any.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                while (_due.TryPeek(out var item, out var at))
                {
                    if (item.Timer.Version == item.Version)
                    {
                        return at.Due;
                    }

                    _due.Dequeue();
                }

                return null;
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }

        while (true)
        {
            ClockTimer timer;
            lock (_lock)
            {
                if (!_due.TryPeek(out var item, out var at) || at.Due > target)
                {
                    _now = target;
                    return;
                }

                _due.Dequeue();
                if (item.Timer.Version != item.Version)
                {
                    continue;
                }

                timer = item.Timer;
                if (at.Due > _now)
                {
                    _now = at.Due;
                }

                if (timer.Period is { } period && period > TimeSpan.Zero)
                {
                    Schedule(timer, _now + period);
                }
                else
                {
                    timer.Version++;
                }
            }

            Interlocked.Increment(ref _fired);
            timer.Fire();
        }
    }

    private void Schedule(ClockTimer timer, DateTimeOffset due)
    {
        var version = ++timer.Version;
        _due.Enqueue((timer, version), (due, ++_sequence));
    }

    private sealed class ClockTimer(SimulatedClock owner, TimerCallback callback, object? state) : ITimer
    {
        public long Version { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    Version++;
                }
                else
                {
                    owner.Schedule(this, owner._now + dueTime);
                }
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                Version++;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
