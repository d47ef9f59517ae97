using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Messaging;

/// <summary>What a message's state means for a person: a short label, the detail, and whether a person must decide.</summary>
public sealed record OutboxMessageDescription(string Label, string Detail, bool NeedsPerson)
{
    public static OutboxMessageDescription Describe(OutboxMessage m, AccountState? account, DateTimeOffset now) => m.Status switch
    {
        OutboxStatus.Pending when account is null => new("Waiting", "The account is gone; this message cannot be sent.", false),
        OutboxStatus.Pending when m.NotBefore is { } at && at > now =>
            new("Scheduled", $"Scheduled: goes out at {at:yyyy-MM-dd HH:mm} UTC (in {AccountStatusDescription.Countdown(at - now)}) if the account is connected then.", false),
        OutboxStatus.Pending when m.NextAttemptAt is { } retry && retry > now =>
            new("Retrying", $"Retry {m.Attempts + 1} in {AccountStatusDescription.Countdown(retry - now)}; the last attempt was refused: {m.Error}", false),
        OutboxStatus.Pending when !account.HasLiveConnection =>
            new("Waiting", $"Held: the account is {AccountStatusDescription.Describe(account, now).Label.ToLowerInvariant()}. It goes out once the account is connected; nothing is sent before.", false),
        OutboxStatus.Pending => new("Queued", "Queued: it goes out as soon as the rate limit allows (spacing between messages, at most a few per recipient per hour, a slow start after each reconnect).", false),
        OutboxStatus.Sending => new("Sending", "Being handed to WhatsApp right now.", false),
        OutboxStatus.Sent => new("Sent", m.EngineMessageId is { } id
            ? $"Sent {m.SentAt:yyyy-MM-dd HH:mm:ss} UTC as {id}."
            : m.Error ?? $"Sent {m.SentAt:yyyy-MM-dd HH:mm:ss} UTC.", false),
        OutboxStatus.Delivered => new("Delivered", $"Sent {m.SentAt:yyyy-MM-dd HH:mm:ss} UTC; the recipient's phone received it ({m.UpdatedAt:yyyy-MM-dd HH:mm:ss} UTC).", false),
        OutboxStatus.Read => new("Read", $"Sent {m.SentAt:yyyy-MM-dd HH:mm:ss} UTC; the recipient read it ({m.UpdatedAt:yyyy-MM-dd HH:mm:ss} UTC).", false),
        OutboxStatus.Failed => new("Failed", (m.Error ?? "Failed.") + " Retry it or cancel it.", true),
        OutboxStatus.Unknown => new("Unknown", m.Error ?? "It may or may not have been delivered. Check the recipient's phone, then mark it sent or send it again.", true),
        OutboxStatus.Cancelled => new("Cancelled", m.Error ?? "Cancelled by a person.", false),
        _ => new(m.Status.ToString(), m.Error ?? "", false),
    };
}
