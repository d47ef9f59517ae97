using System.Collections.Immutable;

namespace WaDashboard.Core.Messaging;

/// <summary>The per-account limits, as the pure limiter needs them.</summary>
public sealed record RateLimits(
    TimeSpan MinSpacing,
    TimeSpan MaxSpacing,
    int PerRecipientLimit,
    TimeSpan PerRecipientWindow,
    TimeSpan RampDelay,
    TimeSpan RampDuration,
    double RampFactor)
{
    public static RateLimits From(MessagingOptions o) =>
        new(o.MinSpacing, o.MaxSpacing, o.PerRecipientLimit, o.PerRecipientWindow, o.RampDelay, o.RampDuration, o.RampFactor);
}

/// <summary>
/// What the limiter remembers of one account: when it last sent, the gap drawn for the next send, and the recent sends
/// per recipient (inside the per-recipient window). Immutable.
/// </summary>
public sealed record SendHistory(DateTimeOffset? LastSendAt, TimeSpan NextGap, ImmutableDictionary<string, ImmutableList<DateTimeOffset>> ByRecipient)
{
    public static readonly SendHistory Empty = new(null, TimeSpan.Zero, ImmutableDictionary.Create<string, ImmutableList<DateTimeOffset>>(StringComparer.Ordinal));

    public int RecentTo(string recipient) => ByRecipient.TryGetValue(recipient, out var times) ? times.Count : 0;
}

/// <summary>A pending message as the limiter sees it: which one, to whom, and when it is due by itself.</summary>
public readonly record struct SendCandidate(long MessageId, string Recipient, DateTimeOffset DueAt);

/// <summary>Why nothing can go out yet.</summary>
public enum SendWait
{
    None,
    /// <summary>The account connected moments ago: the first send waits for the ramp delay.</summary>
    Ramp,
    /// <summary>The gap since the last send has not passed yet.</summary>
    Spacing,
    /// <summary>Every pending message is scheduled for later (not-before or retry time).</summary>
    NotDue,
    /// <summary>Every due message goes to a recipient who already got the hourly maximum.</summary>
    RecipientCap,
    /// <summary>No pending message at all.</summary>
    Nothing,
}

/// <summary>The message to send now, or when to look again and why.</summary>
public sealed record SendDecision(long? MessageId, DateTimeOffset? NextCheckAt, SendWait Wait);

/// <summary>
/// The per-account rate limiter: pure functions of (history, connected-since, candidates, now, limits). The dispatcher
/// owns one <see cref="SendHistory"/> per account and asks here which message, if any, may go out now.
/// <list type="bullet">
/// <item>Spacing: after each send, a gap drawn at random between MinSpacing and MaxSpacing.</item>
/// <item>Per recipient: at most PerRecipientLimit sends inside any PerRecipientWindow; a capped recipient does not block
/// messages to others (order is kept per recipient).</item>
/// <item>Ramp after every (re)connect: nothing for RampDelay; the gap after a send made t into the connection is
/// stretched by a factor easing linearly from RampFactor (t = 0) to 1 (t ≥ RampDuration).</item>
/// </list>
/// </summary>
public static class SendLimiter
{
    /// <summary>The stretch applied to the gap after a send made <paramref name="sinceConnect"/> into the connection.</summary>
    public static double RampFactorAt(TimeSpan sinceConnect, RateLimits limits)
    {
        if (sinceConnect < TimeSpan.Zero || sinceConnect >= limits.RampDuration || limits.RampDuration <= TimeSpan.Zero)
        {
            return 1.0;
        }

        return limits.RampFactor - (limits.RampFactor - 1.0) * (sinceConnect / limits.RampDuration);
    }

    /// <summary>When the account may send its next message at all (ramp delay and spacing), and which of the two binds.</summary>
    public static (DateTimeOffset At, SendWait Wait) AccountReadyAt(SendHistory history, DateTimeOffset connectedSince, RateLimits limits)
    {
        var rampReady = connectedSince + limits.RampDelay;
        if (history.LastSendAt is not { } last)
        {
            return (rampReady, SendWait.Ramp);
        }

        var spacingReady = last + history.NextGap * RampFactorAt(last - connectedSince, limits);
        return spacingReady > rampReady ? (spacingReady, SendWait.Spacing) : (rampReady, SendWait.Ramp);
    }

    /// <summary>When <paramref name="recipient"/> may get another message (now or earlier when under the cap).</summary>
    public static DateTimeOffset RecipientReadyAt(SendHistory history, string recipient, DateTimeOffset now, RateLimits limits)
    {
        if (!history.ByRecipient.TryGetValue(recipient, out var times))
        {
            return now;
        }

        // Sends that still count at 'now': strictly inside (now - window, now].
        var windowStart = now - limits.PerRecipientWindow;
        var inWindow = times.Where(t => t > windowStart).OrderBy(t => t).ToList();
        if (inWindow.Count < limits.PerRecipientLimit)
        {
            return now;
        }

        // The send that must leave the window before one more fits.
        return inWindow[inWindow.Count - limits.PerRecipientLimit] + limits.PerRecipientWindow;
    }

    /// <summary>
    /// Picks the first candidate (in the given order) that is due and whose recipient is under the cap, provided the
    /// account itself may send now. Otherwise says when something could change.
    /// </summary>
    public static SendDecision Decide(SendHistory history, DateTimeOffset connectedSince, IEnumerable<SendCandidate> candidates, DateTimeOffset now, RateLimits limits)
    {
        var (readyAt, accountWait) = AccountReadyAt(history, connectedSince, limits);
        if (readyAt > now)
        {
            return new SendDecision(null, readyAt, accountWait);
        }

        DateTimeOffset? earliest = null;
        var wait = SendWait.Nothing;
        Dictionary<string, DateTimeOffset>? recipients = null;
        foreach (var candidate in candidates)
        {
            if (candidate.DueAt > now)
            {
                Consider(candidate.DueAt, SendWait.NotDue);
                continue;
            }

            recipients ??= new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            if (!recipients.TryGetValue(candidate.Recipient, out var recipientReady))
            {
                recipients[candidate.Recipient] = recipientReady = RecipientReadyAt(history, candidate.Recipient, now, limits);
            }

            if (recipientReady > now)
            {
                Consider(recipientReady, SendWait.RecipientCap);
                continue;
            }

            return new SendDecision(candidate.MessageId, null, SendWait.None);
        }

        return new SendDecision(null, earliest, wait);

        void Consider(DateTimeOffset at, SendWait why)
        {
            if (earliest is null || at < earliest)
            {
                earliest = at;
                wait = why;
            }
        }
    }

    /// <summary>
    /// Remembers a send handed to the engine at <paramref name="at"/> (when it returned) and draws the next gap from
    /// <paramref name="sample"/> in [0, 1). Sends older than the per-recipient window are forgotten.
    /// </summary>
    public static SendHistory Record(SendHistory history, string recipient, DateTimeOffset at, RateLimits limits, double sample)
    {
        var gap = limits.MinSpacing + (limits.MaxSpacing - limits.MinSpacing) * Math.Clamp(sample, 0.0, 1.0);
        var windowStart = at - limits.PerRecipientWindow;
        var builder = ImmutableDictionary.CreateBuilder<string, ImmutableList<DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var (to, times) in history.ByRecipient)
        {
            var kept = times.RemoveAll(t => t <= windowStart);
            if (!kept.IsEmpty)
            {
                builder[to] = kept;
            }
        }

        builder[recipient] = (builder.TryGetValue(recipient, out var existing) ? existing : []).Add(at);
        return new SendHistory(at, gap, builder.ToImmutable());
    }
}

/// <summary>Retry delays after the engine refused a send: exponential from the base, capped, with jitter in [½, 1].</summary>
public static class RetryBackoff
{
    /// <param name="attempts">Attempts made so far (1 after the first refusal).</param>
    public static TimeSpan Delay(int attempts, double sample, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + 0.5 * Math.Clamp(sample, 0.0, 1.0)));
    }
}
