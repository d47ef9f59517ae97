using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Health;

/// <summary>What an account's health score is computed from.</summary>
public sealed record HealthInputs(double Uptime24h, int Disconnects24h, int ReconnectAttempts, int StorageWarnings, int StorageCriticals);

/// <summary>
/// The account health score, 0–100 (pure; the same text is shown on the Health page):
/// 100 × uptime over the last 24 h, minus 5 per disconnect in those 24 h (at most 30), minus 2 per reconnect
/// attempt of the current failure run (at most 20), minus 10 per storage warning and 25 per critical storage
/// finding (at most 40); never below 0.
/// </summary>
public static class HealthScore
{
    public const string Formula =
        "score = 100 × uptime over the last 24 h − 5 per disconnect in those 24 h (at most 30) − 2 per reconnect attempt " +
        "of the current failure run (at most 20) − 10 per storage warning and 25 per critical storage finding (at most 40); never below 0.";

    public static int Compute(HealthInputs inputs)
    {
        var score = 100 * Math.Clamp(inputs.Uptime24h, 0, 1)
                    - Math.Min(30, 5 * inputs.Disconnects24h)
                    - Math.Min(20, 2 * inputs.ReconnectAttempts)
                    - Math.Min(40, 10 * inputs.StorageWarnings + 25 * inputs.StorageCriticals);
        return (int)Math.Round(Math.Clamp(score, 0, 100), MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The share of [windowStart, now] the account spent Connected, from its transitions (oldest first) and its
    /// status when the window opened. Before the account existed counts as not connected.
    /// </summary>
    public static double Uptime(AccountStatus statusAtWindowStart, IEnumerable<(DateTimeOffset At, AccountStatus To)> transitions, DateTimeOffset windowStart, DateTimeOffset now)
    {
        if (now <= windowStart)
        {
            return statusAtWindowStart == AccountStatus.Connected ? 1 : 0;
        }

        var connected = TimeSpan.Zero;
        var status = statusAtWindowStart;
        var since = windowStart;
        foreach (var (at, to) in transitions.Where(t => t.At > windowStart && t.At <= now).OrderBy(t => t.At))
        {
            if (status == AccountStatus.Connected)
            {
                connected += at - since;
            }

            status = to;
            since = at;
        }

        if (status == AccountStatus.Connected)
        {
            connected += now - since;
        }

        return connected / (now - windowStart);
    }
}
