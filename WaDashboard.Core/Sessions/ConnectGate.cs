using Microsoft.Extensions.Options;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// Fleet-wide pacing of connect attempts, so thousands of accounts dropping at once do not stampede WhatsApp:
/// at most <see cref="Capacity"/> attempts in flight, and new attempts started at most at
/// max(MinConnectsPerSecond, ConnectRatePercent of the fleet) in any one-second window.
/// A supervisor holds one slot from the engine start until its account leaves <c>Starting</c>.
/// </summary>
public sealed class ConnectGate(IOptions<ReconnectOptions> options, TimeProvider time)
{
    private readonly ReconnectOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentConnects, options.Value.MaxConcurrentConnects);
    private readonly object _pace = new();
    private readonly Queue<DateTimeOffset> _recentStarts = new();
    private int _inFlight;
    private int _peak;
    private long _attempts;
    private int _fleetSize;

    public int Capacity { get; } = options.Value.MaxConcurrentConnects;
    public int InFlight => Volatile.Read(ref _inFlight);
    public int Peak => Volatile.Read(ref _peak);
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Kept up to date by the fleet; the rate scales with it.</summary>
    public int FleetSize
    {
        get => Volatile.Read(ref _fleetSize);
        set => Volatile.Write(ref _fleetSize, value);
    }

    public double AttemptsPerSecond => Math.Max(_options.MinConnectsPerSecond, FleetSize * _options.ConnectRatePercent / 100.0);

    /// <summary>Takes a slot if one is free and the pace allows a start right now.</summary>
    public bool TryAcquire()
    {
        if (!_slots.Wait(0))
        {
            return false;
        }

        if (!TryStartNow(out _))
        {
            _slots.Release();
            return false;
        }

        Count();
        return true;
    }

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (!TryStartNow(out var wait))
            {
                await Task.Delay(wait, time, cancellationToken);
            }
        }
        catch
        {
            _slots.Release();
            throw;
        }

        Count();
    }

    /// <summary>
    /// A sliding one-second window: a start is allowed while fewer than the per-second rate started in the last
    /// second; otherwise it says how long until the oldest of them leaves the window.
    /// </summary>
    private bool TryStartNow(out TimeSpan wait)
    {
        var now = time.GetUtcNow();
        var perSecond = Math.Max(1, (int)Math.Floor(AttemptsPerSecond));
        lock (_pace)
        {
            while (_recentStarts.TryPeek(out var oldest) && now - oldest >= TimeSpan.FromSeconds(1))
            {
                _recentStarts.Dequeue();
            }

            if (_recentStarts.Count < perSecond)
            {
                _recentStarts.Enqueue(now);
                wait = TimeSpan.Zero;
                return true;
            }

            wait = _recentStarts.Peek() + TimeSpan.FromSeconds(1) - now;
            return false;
        }
    }

    private void Count()
    {
        var now = Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _attempts);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    public void Release()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots.Release();
    }

    public void ResetPeak() => Volatile.Write(ref _peak, InFlight);
}
