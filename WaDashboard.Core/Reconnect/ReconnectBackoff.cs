using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Reconnect;

/// <summary>Full-jitter exponential backoff: delay = sample · min(cap, base · 2^attempt). Pure.</summary>
public static class ReconnectBackoff
{
    /// <param name="attempt">0 for the first retry.</param>
    /// <param name="sample">A uniform random number in [0, 1).</param>
    public static TimeSpan Delay(int attempt, double sample, DisconnectReason reason, ReconnectOptions options)
    {
        if (reason == DisconnectReason.RestartRequired)
        {
            return TimeSpan.Zero;
        }

        var baseMs = options.BaseDelay.TotalMilliseconds;
        if (reason == DisconnectReason.ServiceUnavailable)
        {
            baseMs *= options.ServiceUnavailableFactor;
        }

        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, baseMs * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        return TimeSpan.FromMilliseconds(Math.Clamp(sample, 0, 1) * ceiling);
    }

    /// <summary>The largest delay the given attempt can draw.</summary>
    public static TimeSpan Ceiling(int attempt, DisconnectReason reason, ReconnectOptions options) =>
        Delay(attempt, 1, reason, options);
}
