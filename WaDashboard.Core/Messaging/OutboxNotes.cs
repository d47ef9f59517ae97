using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// The sentences the outbox and its dispatcher write themselves: a message's error or note (why it waits, failed or may
/// have gone out) and the answer to a person's decision on it. An engine's own error text is data: it goes into these
/// sentences as an argument and is never translated. The REST API and the database keep the English.
/// </summary>
public static class OutboxNotes
{
    /// <summary>The entries, for a book that nests these sentences in its own (the audit log's).</summary>
    public static IReadOnlyList<(string Code, string Template)> Entries { get; } =
    [
        ("Send.Held", "Not sent: the account was not connected at the moment of sending. It goes out after the account reconnects."),
        ("Send.NoReason", "The engine refused the message without a reason."),
        ("Send.FailedAfterOne", "Failed after {0} attempt; the last error: {1}"),
        ("Send.FailedAfter", "Failed after {0} attempts; the last error: {1}"),
        ("Send.NotConfirmed", "The engine did not confirm the send in time"),
        ("Send.EngineFailed", "The engine failed while sending ({0}: {1})"),
        ("Send.MayHaveGone", "{0}. It may have been delivered: check the recipient's phone, then mark it sent or send it again."),
        ("Send.Expired", "Expired: not sent within {0} of its time (the account was not connected long enough). Retry it if it still matters."),
        ("Send.Interrupted", "The dashboard stopped while this message was being sent, so it may or may not have been delivered. Check the recipient's phone, then mark it sent or send it again."),
        ("Send.Cancelled", "Cancelled by a person."),
        ("Send.CancelledUnknown", "Cancelled by a person. Whether the earlier attempt was delivered is unknown."),
        ("Send.Retried", "Retried by a person. Before: {0}"),
        ("Send.MarkedSent", "Marked sent by a person (it arrived)."),
        ("Send.SendingAgain", "Sending again: a person found it did not arrive."),
        ("Send.Done.Cancelled", "Cancelled; it will not be sent."),
        ("Send.Done.Queued", "Queued again; it goes out when the account is connected and the rate limit allows."),
        ("Send.Done.MarkedSent", "Marked as sent; it will not be sent again."),
        ("Send.Refused.Waiting", "Message {0} is already waiting to be sent; you cannot {1} it."),
        ("Send.Refused.Sending", "Message {0} is being sent right now; look again in a moment."),
        ("Send.Refused.Status", "Message {0} is {1}; you cannot {2} it. {3}"),
        ("Send.NotFound", "No message has the id {0}."),
        ("Send.Why.Sent", "It was already sent."),
        ("Send.Why.Cancelled", "It was cancelled."),
        ("Send.Why.OnItsWay", "It is on its way; look again in a moment."),
        ("Send.Action.Cancel", "cancel"),
        ("Send.Action.Retry", "retry"),
        ("Send.Action.MarkSent", "mark as sent"),
        ("Send.Action.SendAgain", "send again"),
        ("Send.Status.Pending", "Pending"),
        ("Send.Status.Sending", "Sending"),
        ("Send.Status.Sent", "Sent"),
        ("Send.Status.Delivered", "Delivered"),
        ("Send.Status.Read", "Read"),
        ("Send.Status.Failed", "Failed"),
        ("Send.Status.Unknown", "Unknown"),
        ("Send.Status.Cancelled", "Cancelled"),
    ];

    public static PhraseBook Book { get; } = new([.. Entries]);

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
