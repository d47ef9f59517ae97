using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>Where a message is. Pending → Sending → Sent | Failed | Unknown; Cancelled by a person.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for its account to be connected, its time (not-before or retry) and the rate limiter.</summary>
    Pending,
    /// <summary>Handed to the engine right now.</summary>
    Sending,
    /// <summary>The engine took it and gave it a message id.</summary>
    Sent,
    /// <summary>Given up on; the error says why. A person can retry it.</summary>
    Failed,
    /// <summary>It may or may not have gone out (the dashboard stopped, or the engine never confirmed). Never re-sent without a person.</summary>
    Unknown,
    /// <summary>A person cancelled it before it was sent.</summary>
    Cancelled,
    /// <summary>Sent, and the recipient's phone received it (the engine's delivery receipt).</summary>
    Delivered,
    /// <summary>Sent, and the recipient read (or played) it.</summary>
    Read,
}

/// <summary>One message of the outbox. Immutable: every change is a new value, persisted before anyone acts on it.</summary>
public sealed record OutboxMessage
{
    public long Id { get; init; }
    public required string AccountId { get; init; }
    public required PhoneNumber To { get; init; }
    public required string Text { get; init; }

    /// <summary>Not sent before this time (scheduled reminders).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The client's key: a repeated request with the same key and content returns this message.</summary>
    public string? IdempotencyKey { get; init; }

    public OutboxStatus Status { get; init; } = OutboxStatus.Pending;

    /// <summary>Sends handed to the engine for this message.</summary>
    public int Attempts { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>After a transient failure: not retried before this time.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the engine was last asked to send it.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The engine's id of the sent message.</summary>
    public string? EngineMessageId { get; init; }

    /// <summary>Why it failed or is unknown, or the last transient error before a retry.</summary>
    public string? Error { get; init; }

    /// <summary>The earliest time it may be sent, as far as the message itself is concerned.</summary>
    public DateTimeOffset DueAt
    {
        get
        {
            var due = NotBefore ?? CreatedAt;
            return NextAttemptAt is { } retry && retry > due ? retry : due;
        }
    }

    public bool IsFinal => Status is OutboxStatus.Sent or OutboxStatus.Delivered or OutboxStatus.Read or OutboxStatus.Failed or OutboxStatus.Cancelled;

    /// <summary>Same recipient, text and not-before time: what an idempotent repeat must match.</summary>
    public bool HasSameContent(PhoneNumber to, string text, DateTimeOffset? notBefore) =>
        To == to && string.Equals(Text, text, StringComparison.Ordinal) && NotBefore == notBefore;
}

/// <summary>What a person or a script asks to send.</summary>
public sealed record OutboxRequest(string AccountId, string? To, string? Text, DateTimeOffset? NotBefore, string? IdempotencyKey);

/// <summary>The message the request created, or the existing one an idempotent repeat returned.</summary>
public sealed record EnqueueResult(OutboxMessage Message, bool Replayed);

/// <summary>A message changed status (or was added); pages showing the outbox re-render.</summary>
public sealed record OutboxChanged(string AccountId, long MessageId, OutboxStatus Status) : FleetEvent;

/// <summary>Input a person can fix; <see cref="Field"/> names it (account, to, text, notBefore, idempotencyKey).</summary>
public sealed class MessageValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>An idempotency key was used before for a message with different content.</summary>
public sealed class IdempotencyConflictException(OutboxMessage existing, string key)
    : Exception($"The Idempotency-Key '{key}' was already used for message {existing.Id} with a different recipient, text or notBefore. " +
                "Repeat the original request exactly to get that message back, or use a new key for a new message.")
{
    public OutboxMessage Existing { get; } = existing;
}

public enum OutboxActionOutcome
{
    Done,
    NotFound,
    /// <summary>Not possible in the message's current status; the message says why.</summary>
    Refused,
}

/// <summary>The answer to a person's action on a message (cancel, retry, resolve).</summary>
public sealed record OutboxActionResult(OutboxActionOutcome Outcome, string Message, OutboxMessage? Updated = null)
{
    public bool Done => Outcome == OutboxActionOutcome.Done;
}

/// <summary>A person's decision on a message whose fate is unknown.</summary>
public enum UnknownResolution
{
    /// <summary>It arrived (checked on the phone): mark it sent; nothing is sent again.</summary>
    MarkSent,
    /// <summary>It did not arrive: send it again.</summary>
    SendAgain,
}
