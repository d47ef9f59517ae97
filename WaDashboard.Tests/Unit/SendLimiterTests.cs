using WaDashboard.Core.Messaging;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>The per-account rate limiter with the default limits (30–60 s spacing, 4 per recipient per hour, ramp 30 s + 10 min ×3→×1), under a fake clock.</summary>
public sealed class SendLimiterTests
{
    private static readonly RateLimits Defaults = RateLimits.From(new MessagingOptions());
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Theory]
    [InlineData(-5, 1.0)]
    [InlineData(0, 3.0)]
    [InlineData(150, 2.5)]
    [InlineData(300, 2.0)]
    [InlineData(599, 1.0033)]
    [InlineData(600, 1.0)]
    [InlineData(3600, 1.0)]
    public void The_ramp_stretches_gaps_from_x3_right_after_connecting_to_x1_after_ten_minutes(double secondsSinceConnect, double factor) =>
        Assert.Equal(factor, SendLimiter.RampFactorAt(TimeSpan.FromSeconds(secondsSinceConnect), Defaults), precision: 4);

    [Theory]
    // last send (s after connect, null = none), its gap (s), expected ready (s after connect), binding limit
    [InlineData(null, 0, 30, SendWait.Ramp)]                 // first message after a (re)connect: the ramp delay
    [InlineData(-10.0, 30, 30, SendWait.Ramp)]              // sent before the reconnect, gap over by then: still the ramp delay
    [InlineData(-10.0, 60, 50, SendWait.Spacing)]           // gap from before the reconnect outlasts the ramp delay (not stretched)
    [InlineData(30.0, 45, 30 + 45 * (3 - 2 * 30 / 600.0), SendWait.Spacing)] // first gap after connecting: ×2.9
    [InlineData(300.0, 40, 380, SendWait.Spacing)]          // half way through the ramp: ×2
    [InlineData(1200.0, 45, 1245, SendWait.Spacing)]        // ramp over: the plain gap
    public void The_account_is_ready_after_the_ramp_delay_and_the_stretched_gap(double? lastSend, double gap, double ready, SendWait binding)
    {
        var history = SendHistory.Empty with { LastSendAt = lastSend is { } s ? At(s) : null, NextGap = TimeSpan.FromSeconds(gap) };

        var (at, wait) = SendLimiter.AccountReadyAt(history, T0, Defaults);

        Assert.Equal(At(ready).UtcTicks, at.UtcTicks, TimeSpan.FromMilliseconds(1).Ticks);
        Assert.Equal(binding, wait);
    }

    [Theory]
    [InlineData(0.0, 30)]
    [InlineData(0.5, 45)]
    [InlineData(0.999, 59.97)]
    [InlineData(1.0, 60)]
    public void Each_gap_is_drawn_between_the_minimum_and_the_maximum_spacing(double sample, double seconds)
    {
        var history = SendLimiter.Record(SendHistory.Empty, "+972500000001", At(100), Defaults, sample);

        Assert.Equal(TimeSpan.FromSeconds(seconds), history.NextGap);
        Assert.Equal(At(100), history.LastSendAt);
    }

    [Fact]
    public void A_fifth_message_to_one_recipient_within_an_hour_waits_while_other_recipients_go_ahead_in_order()
    {
        var history = SendHistory.Empty;
        foreach (var minute in new[] { 0, 10, 20, 30 })
        {
            history = SendLimiter.Record(history, "+972500000001", At(minute * 60), Defaults, 0);
        }

        var now = At(40 * 60);
        Assert.Equal(At(60 * 60), SendLimiter.RecipientReadyAt(history, "+972500000001", now, Defaults));
        Assert.Equal(now, SendLimiter.RecipientReadyAt(history, "+972500000002", now, Defaults));

        SendCandidate[] waiting = [new(1, "+972500000001", T0), new(2, "+972500000002", T0), new(3, "+972500000003", T0)];
        var decision = SendLimiter.Decide(history, T0.AddHours(-1), waiting, now, Defaults);
        Assert.Equal(2, decision.MessageId);

        var capped = SendLimiter.Decide(history, T0.AddHours(-1), waiting[..1], now, Defaults);
        Assert.Equal((null, At(60 * 60), SendWait.RecipientCap), (capped.MessageId, capped.NextCheckAt, capped.Wait));

        // When the first of the four leaves the hour window, exactly one more fits.
        var atTheHour = SendLimiter.Decide(history, T0.AddHours(-1), waiting[..1], At(60 * 60), Defaults);
        Assert.Equal(1, atTheHour.MessageId);
        history = SendLimiter.Record(history, "+972500000001", At(60 * 60), Defaults, 0);
        Assert.Equal(At(70 * 60), SendLimiter.RecipientReadyAt(history, "+972500000001", At(60 * 60 + 31), Defaults));
    }

    [Fact]
    public void Messages_scheduled_for_later_are_skipped_and_the_decision_says_when_to_look_again()
    {
        var now = At(3600);
        SendCandidate[] waiting = [new(1, "+972500000001", At(7200)), new(2, "+972500000002", At(5000))];

        var decision = SendLimiter.Decide(SendHistory.Empty, T0, waiting, now, Defaults);

        Assert.Equal((null, At(5000), SendWait.NotDue), (decision.MessageId, decision.NextCheckAt, decision.Wait));
        Assert.Equal(2, SendLimiter.Decide(SendHistory.Empty, T0, waiting, At(5000), Defaults).MessageId);
    }

    [Fact]
    public void While_the_account_is_not_ready_no_candidate_is_even_considered()
    {
        var history = SendLimiter.Record(SendHistory.Empty, "+972500000001", At(1000), Defaults, 0.5);

        var decision = SendLimiter.Decide(history, T0, [new(7, "+972500000002", T0)], At(1044), Defaults);

        Assert.Equal((null, At(1045), SendWait.Spacing), (decision.MessageId, decision.NextCheckAt, decision.Wait));
    }

    [Fact]
    public void Recording_forgets_sends_older_than_the_window()
    {
        var history = SendLimiter.Record(SendHistory.Empty, "+972500000001", At(0), Defaults, 0);
        history = SendLimiter.Record(history, "+972500000002", At(1800), Defaults, 0);
        history = SendLimiter.Record(history, "+972500000002", At(3601), Defaults, 0);

        Assert.Equal(0, history.RecentTo("+972500000001"));
        Assert.Equal(2, history.RecentTo("+972500000002"));
    }

    /// <summary>
    /// One account drains 40 messages to 3 recipients as fast as the limiter allows, the fake clock jumping to each
    /// "look again" time, with a reconnect half way. Every rule holds on the schedule it produces.
    /// </summary>
    [Fact]
    public void Draining_under_a_fake_clock_keeps_spacing_the_per_recipient_cap_and_the_ramp_after_a_reconnect()
    {
        var time = new FakeTimeProvider(T0);
        var random = new Random(7);
        var connectedAt = time.GetUtcNow();
        var reconnectAt = T0.AddHours(2);
        string[] recipients = ["+972500000001", "+972500000002", "+972500000003"];
        var waiting = Enumerable.Range(1, 40).Select(i => new SendCandidate(i, recipients[i % 3], T0)).ToList();
        var history = SendHistory.Empty;
        var sent = new List<(DateTimeOffset At, string To, DateTimeOffset ConnectedAt)>();

        while (waiting.Count > 0)
        {
            var now = time.GetUtcNow();
            if (now >= reconnectAt && connectedAt < reconnectAt)
            {
                connectedAt = now; // the connection dropped and came back: a new ramp
            }

            var decision = SendLimiter.Decide(history, connectedAt, waiting, now, Defaults);
            if (decision.MessageId is { } id)
            {
                var message = waiting.Single(c => c.MessageId == id);
                waiting.Remove(message);
                history = SendLimiter.Record(history, message.Recipient, now, Defaults, random.NextDouble());
                sent.Add((now, message.Recipient, connectedAt));
                continue;
            }

            var next = decision.NextCheckAt!.Value;
            Assert.True(next > now, $"the limiter must name a later time, not {next:O} at {now:O}");
            var target = connectedAt < reconnectAt && next > reconnectAt ? reconnectAt : next;
            time.Advance(target - now);
        }

        Assert.Equal(T0 + Defaults.RampDelay, sent[0].At);
        for (var i = 1; i < sent.Count; i++)
        {
            var gap = sent[i].At - sent[i - 1].At;
            var factor = SendLimiter.RampFactorAt(sent[i - 1].At - sent[i].ConnectedAt, Defaults);
            Assert.True(gap >= Defaults.MinSpacing * factor - TimeSpan.FromMilliseconds(1), $"gap {gap} after send {i} is below {Defaults.MinSpacing * factor}");
        }

        foreach (var send in sent)
        {
            var inHour = sent.Count(s => s.To == send.To && s.At > send.At - Defaults.PerRecipientWindow && s.At <= send.At);
            Assert.True(inHour <= Defaults.PerRecipientLimit, $"{inHour} messages to {send.To} in the hour up to {send.At:t}");
        }

        var firstAfterReconnect = sent.First(s => s.ConnectedAt > T0);
        Assert.True(firstAfterReconnect.At >= firstAfterReconnect.ConnectedAt + Defaults.RampDelay, "nothing goes out in the ramp delay after a reconnect");
        // 40 messages to 3 recipients at 4 per hour each take about 40 / 12 hours: the cap, not the spacing, sets the pace.
        Assert.InRange(sent[^1].At - T0, TimeSpan.FromHours(3), TimeSpan.FromHours(4));
    }
}
