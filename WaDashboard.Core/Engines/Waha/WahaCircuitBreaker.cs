namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// One server's circuit breaker. <c>threshold</c> failed calls in a row open it for <c>openFor</c> (on the injected clock);
/// while open every call is refused; once that time has passed one trial call goes through (the others are still refused):
/// its success closes the breaker, its failure opens it again. An answer from the server (even a 4xx) is a success.
/// </summary>
internal sealed class WahaCircuitBreaker(int threshold, TimeSpan openFor, TimeProvider time)
{
    private readonly object _lock = new();
    private int _failures;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;

    public int ConsecutiveFailures
    {
        get
        {
            lock (_lock)
            {
                return _failures;
            }
        }
    }

    public bool IsOpen
    {
        get
        {
            lock (_lock)
            {
                return _openUntil is not null;
            }
        }
    }

    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_lock)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>Whether a call may go out now; <paramref name="isTrial"/> when it is the one trial of a half-open breaker.</summary>
    public bool TryEnter(out bool isTrial, out DateTimeOffset openUntil)
    {
        lock (_lock)
        {
            isTrial = false;
            openUntil = _openUntil ?? DateTimeOffset.MinValue;
            if (_openUntil is not { } until)
            {
                return true;
            }

            if (time.GetUtcNow() < until || _trialInFlight)
            {
                return false;
            }

            _trialInFlight = true;
            isTrial = true;
            return true;
        }
    }

    public void OnSuccess()
    {
        lock (_lock)
        {
            _failures = 0;
            _openUntil = null;
            _trialInFlight = false;
        }
    }

    /// <summary>Counts a failure; true when this failure opened (or re-opened) the breaker.</summary>
    public bool OnFailure(bool wasTrial)
    {
        lock (_lock)
        {
            _failures++;
            if (wasTrial)
            {
                _trialInFlight = false;
                _openUntil = time.GetUtcNow() + openFor;
                return true;
            }

            if (_openUntil is null && _failures >= threshold)
            {
                _openUntil = time.GetUtcNow() + openFor;
                return true;
            }

            return false;
        }
    }

    /// <summary>The caller gave up (cancelled): no verdict on the server; a trial slot is freed for the next call.</summary>
    public void OnAbandoned(bool wasTrial)
    {
        if (!wasTrial)
        {
            return;
        }

        lock (_lock)
        {
            _trialInFlight = false;
        }
    }
}
