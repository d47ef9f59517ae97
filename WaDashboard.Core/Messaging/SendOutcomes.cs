using System.Globalization;
using WaDashboard.Core.Engines;

namespace WaDashboard.Core.Messaging;

/// <summary>What happened when the engine was asked to send: its answer, or the exception it threw (the outcome is then unknown).</summary>
public sealed record SendAttempt(EngineSendResult? Result, Exception? Failure);

/// <summary>The message after an attempt, and whether the attempt reached the engine (counts for the rate limiter).</summary>
public sealed record SendOutcome(OutboxMessage Message, bool ReachedEngine);

/// <summary>
/// Turns an engine's answer into the message's next state. Pure:
/// taken → Sent; refused because not connected → Pending again (held until it reconnects, no attempt used);
/// refused otherwise → Pending with a backoff, or Failed after MaxAttempts; an exception or timeout → Unknown
/// (it may have gone out, so it is never re-sent without a person).
/// </summary>
public static class SendOutcomes
{
    public static readonly string HeldNote = OutboxNotes.Say("Send.Held");

    public static SendOutcome Apply(OutboxMessage sending, SendAttempt attempt, DateTimeOffset now, MessagingOptions options, double jitterSample)
    {
        if (attempt.Result is { NotConnected: true })
        {
            return new SendOutcome(sending with { Status = OutboxStatus.Pending, UpdatedAt = now, Error = HeldNote }, ReachedEngine: false);
        }

        var attempts = sending.Attempts + 1;
        var tried = sending with { Attempts = attempts, LastAttemptAt = now, UpdatedAt = now };
        switch (attempt)
        {
            case { Result: { Accepted: true } taken }:
                return new SendOutcome(tried with
                {
                    Status = OutboxStatus.Sent,
                    SentAt = now,
                    EngineMessageId = taken.MessageId,
                    NextAttemptAt = null,
                    Error = null,
                }, true);

            case { Result: { } refused }:
                var error = Clip(refused.Error ?? OutboxNotes.Say("Send.NoReason"));
                if (attempts >= options.MaxAttempts)
                {
                    return new SendOutcome(tried with
                    {
                        Status = OutboxStatus.Failed,
                        NextAttemptAt = null,
                        Error = Clip(OutboxNotes.Say(attempts == 1 ? "Send.FailedAfterOne" : "Send.FailedAfter", attempts, error)),
                    }, true);
                }

                var retryAt = now + RetryBackoff.Delay(attempts, jitterSample, options.RetryBaseDelay, options.RetryMaxDelay);
                return new SendOutcome(tried with { Status = OutboxStatus.Pending, NextAttemptAt = retryAt, Error = error }, true);

            default:
                var what = attempt.Failure is TimeoutException or OperationCanceledException
                    ? OutboxNotes.Say("Send.NotConfirmed")
                    : OutboxNotes.Say("Send.EngineFailed", attempt.Failure?.GetType().Name, attempt.Failure?.Message);
                return new SendOutcome(tried with
                {
                    Status = OutboxStatus.Unknown,
                    NextAttemptAt = null,
                    Error = Clip(OutboxNotes.Say("Send.MayHaveGone", what)),
                }, true);
        }
    }

    /// <summary>A pending message that was not sent within ExpireAfter of being due.</summary>
    public static bool IsExpired(OutboxMessage message, DateTimeOffset now, TimeSpan expireAfter) =>
        expireAfter > TimeSpan.Zero && message.Status == OutboxStatus.Pending && now - (message.NotBefore ?? message.CreatedAt) > expireAfter;

    public static OutboxMessage Expire(OutboxMessage message, DateTimeOffset now, TimeSpan expireAfter) => message with
    {
        Status = OutboxStatus.Failed,
        UpdatedAt = now,
        NextAttemptAt = null,
        Error = OutboxNotes.Say("Send.Expired", Describe(expireAfter)),
    };

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0} h")
        : span.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    public static string Clip(string value) => value.Length <= 1000 ? value : value[..1000];
}
