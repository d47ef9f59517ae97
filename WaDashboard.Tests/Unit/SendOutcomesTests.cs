using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Messaging;

namespace WaDashboard.Tests.Unit;

/// <summary>What becomes of a message after the engine answered (or did not).</summary>
public sealed class SendOutcomesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly MessagingOptions Options = new();

    private static OutboxMessage Sending(int attempts = 0) => new()
    {
        Id = 42,
        AccountId = "0123456789abcdef",
        To = PhoneNumber.Parse("+972500000001"),
        Text = "Reminder: tomorrow 10:00",
        Status = OutboxStatus.Sending,
        Attempts = attempts,
        CreatedAt = Now.AddMinutes(-5),
        UpdatedAt = Now,
    };

    [Fact]
    public void Accepted_becomes_Sent_with_the_engine_message_id_and_counts_for_the_limiter()
    {
        var outcome = SendOutcomes.Apply(Sending(), new SendAttempt(EngineSendResult.Sent("3EB0AA"), null), Now, Options, 0.5);

        Assert.True(outcome.ReachedEngine);
        Assert.Equal((OutboxStatus.Sent, 1, "3EB0AA", Now, Now), (outcome.Message.Status, outcome.Message.Attempts, outcome.Message.EngineMessageId, outcome.Message.SentAt, outcome.Message.LastAttemptAt));
        Assert.Null(outcome.Message.Error);
    }

    [Fact]
    public void Refused_as_not_connected_goes_back_to_the_queue_without_using_an_attempt()
    {
        var outcome = SendOutcomes.Apply(Sending(2), new SendAttempt(EngineSendResult.NotConnectedRefusal(), null), Now, Options, 0.5);

        Assert.False(outcome.ReachedEngine);
        Assert.Equal((OutboxStatus.Pending, 2, null), (outcome.Message.Status, outcome.Message.Attempts, outcome.Message.NextAttemptAt));
        Assert.Equal(SendOutcomes.HeldNote, outcome.Message.Error);
    }

    [Theory]
    // attempts before, jitter sample, expected delay in seconds (base 30 s doubling, ×[0.5, 1], cap 15 min)
    [InlineData(0, 1.0, 30)]
    [InlineData(0, 0.0, 15)]
    [InlineData(1, 1.0, 60)]
    [InlineData(2, 0.5, 90)]
    [InlineData(3, 1.0, 240)]
    public void A_refusal_is_retried_later_with_exponential_backoff(int attemptsBefore, double sample, double delaySeconds)
    {
        var outcome = SendOutcomes.Apply(Sending(attemptsBefore), new SendAttempt(EngineSendResult.Refused("463: rate-overlimit"), null), Now, Options, sample);

        Assert.True(outcome.ReachedEngine);
        Assert.Equal(OutboxStatus.Pending, outcome.Message.Status);
        Assert.Equal(attemptsBefore + 1, outcome.Message.Attempts);
        Assert.Equal(Now.AddSeconds(delaySeconds), outcome.Message.NextAttemptAt);
        Assert.Equal("463: rate-overlimit", outcome.Message.Error);
    }

    [Fact]
    public void The_last_allowed_refusal_fails_the_message_with_the_reason()
    {
        var outcome = SendOutcomes.Apply(Sending(Options.MaxAttempts - 1), new SendAttempt(EngineSendResult.Refused("463: rate-overlimit"), null), Now, Options, 0.5);

        Assert.Equal((OutboxStatus.Failed, Options.MaxAttempts, null), (outcome.Message.Status, outcome.Message.Attempts, outcome.Message.NextAttemptAt));
        Assert.Equal($"Failed after {Options.MaxAttempts} attempts; the last error: 463: rate-overlimit", outcome.Message.Error);
    }

    [Theory]
    [InlineData(typeof(TimeoutException), "did not confirm the send in time")]
    [InlineData(typeof(TaskCanceledException), "did not confirm the send in time")]
    [InlineData(typeof(HttpRequestException), "failed while sending (HttpRequestException")]
    public void An_engine_that_cannot_tell_leaves_the_message_Unknown_for_a_person(Type exception, string why)
    {
        var failure = (Exception)Activator.CreateInstance(exception, "boom")!;

        var outcome = SendOutcomes.Apply(Sending(), new SendAttempt(null, failure), Now, Options, 0.5);

        Assert.True(outcome.ReachedEngine);
        Assert.Equal((OutboxStatus.Unknown, 1, null), (outcome.Message.Status, outcome.Message.Attempts, outcome.Message.NextAttemptAt));
        Assert.Contains(why, outcome.Message.Error);
        Assert.Contains("mark it sent or send it again", outcome.Message.Error);
    }

    [Fact]
    public void Backoff_never_exceeds_the_maximum()
    {
        Assert.Equal(Options.RetryMaxDelay, RetryBackoff.Delay(30, 1.0, Options.RetryBaseDelay, Options.RetryMaxDelay));
        Assert.Equal(Options.RetryMaxDelay / 2, RetryBackoff.Delay(30, 0.0, Options.RetryBaseDelay, Options.RetryMaxDelay));
    }

    [Theory]
    [InlineData(null, 24 * 60 - 1, false)]
    [InlineData(null, 24 * 60 + 1, true)]
    [InlineData(120, 24 * 60 + 1, false)]     // scheduled 2 h later: expires 24 h after that
    [InlineData(120, 26 * 60 + 1, true)]
    public void A_message_expires_a_day_after_it_was_due(int? notBeforeMinutes, int nowMinutes, bool expired)
    {
        var created = Now;
        var message = Sending() with { Status = OutboxStatus.Pending, CreatedAt = created, NotBefore = notBeforeMinutes is { } m ? created.AddMinutes(m) : null };

        Assert.Equal(expired, SendOutcomes.IsExpired(message, created.AddMinutes(nowMinutes), Options.ExpireAfter));
        Assert.False(SendOutcomes.IsExpired(message, created.AddDays(30), TimeSpan.Zero));
        if (expired)
        {
            var failed = SendOutcomes.Expire(message, created.AddMinutes(nowMinutes), Options.ExpireAfter);
            Assert.Equal(OutboxStatus.Failed, failed.Status);
            Assert.StartsWith("Expired: not sent within 24 h", failed.Error);
        }
    }
}
