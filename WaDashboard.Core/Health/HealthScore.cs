using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Health;

/// <summary>What an account's health score is computed from.</summary>
public sealed record HealthInputs(double Uptime24h, int Disconnects24h, int ReconnectAttempts, int StorageWarnings, int StorageCriticals);

/// <summary>
/// The account health score, 0–100 (pure; the same text is shown on the Health page):
/// 100 × uptime over the last 24 h (counted from the account's first link when that is later), minus 5 per disconnect
/// in those 24 h (at most 30), minus 2 per reconnect attempt of the current failure run (at most 20), minus 10 per
/// storage warning and 25 per critical storage finding (at most 40); never below 0.
/// </summary>
public static class HealthScore
{
    public const string Formula =
        "score = 100 × uptime over the last 24 h (counted from the account's first link when it was linked later) − 5 per disconnect " +
        "in those 24 h (at most 30) − 2 per reconnect attempt of the current failure run (at most 20) − 10 per storage warning and 25 per " +
        "critical storage finding (at most 40); never below 0. An account that was never linked has no uptime.";

    public static int Compute(HealthInputs inputs)
    {
        var score = 100 * Math.Clamp(inputs.Uptime24h, 0, 1)
                    - Math.Min(30, 5 * inputs.Disconnects24h)
                    - Math.Min(20, 2 * inputs.ReconnectAttempts)
                    - Math.Min(40, 10 * inputs.StorageWarnings + 25 * inputs.StorageCriticals);
        return (int)Math.Round(Math.Clamp(score, 0, 100), MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// The share of the window [windowStart, now] the account spent Connected, counted only over the part of the window
    /// its login existed: from the window's start, from the account's creation, or from its first connection if it had
    /// never been linked until then (the time it waited for its first QR scan is not downtime: nothing was up to be down).
    /// An account that has never been linked has no uptime (0).
    /// </summary>
    /// <param name="statusAtWindowStart">The status when the window opened (ignored when the account was created later: it was New).</param>
    /// <param name="transitions">The account's status changes; those outside (start, now] are ignored.</param>
    public static double Uptime(
        AccountStatus statusAtWindowStart,
        IEnumerable<(DateTimeOffset At, AccountStatus To)> transitions,
        DateTimeOffset createdAt,
        DateTimeOffset windowStart,
        DateTimeOffset now)
    {
        var start = createdAt > windowStart ? createdAt : windowStart;
        var status = createdAt > windowStart ? AccountStatus.New : statusAtWindowStart;
        var changes = transitions.Where(t => t.At > start && t.At <= now).OrderBy(t => t.At).ToList();
        if (status == AccountStatus.New)
        {
            // Never linked when the counted part opens: it opens at the first connection.
            var firstLink = changes.FindIndex(t => t.To == AccountStatus.Connected);
            if (firstLink < 0)
            {
                return 0;
            }

            start = changes[firstLink].At;
            status = AccountStatus.Connected;
            changes = changes[(firstLink + 1)..];
        }

        if (now <= start)
        {
            return status == AccountStatus.Connected ? 1 : 0;
        }

        var connected = TimeSpan.Zero;
        var since = start;
        foreach (var (at, to) in changes)
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

        return connected / (now - start);
    }
}
