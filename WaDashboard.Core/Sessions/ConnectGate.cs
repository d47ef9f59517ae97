using Microsoft.Extensions.Options;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// Fleet-wide cap on connect attempts in flight, so thousands of accounts dropping at once do not stampede
/// WhatsApp. A supervisor holds one slot from the engine start until its account leaves <c>Starting</c>.
/// </summary>
public sealed class ConnectGate(IOptions<ReconnectOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentConnects, options.Value.MaxConcurrentConnects);
    private int _inFlight;
    private int _peak;
    private long _attempts;

    public int Capacity { get; } = options.Value.MaxConcurrentConnects;
    public int InFlight => Volatile.Read(ref _inFlight);
    public int Peak => Volatile.Read(ref _peak);
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Takes a slot if one is free right now.</summary>
    public bool TryAcquire()
    {
        if (!_slots.Wait(0))
        {
            return false;
        }

        Count();
        return true;
    }

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        Count();
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
