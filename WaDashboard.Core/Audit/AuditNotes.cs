using WaDashboard.Core.Accounts;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Audit;

/// <summary>
/// The audit record's detail: what came of an action, written once when it happened (the database and the logs keep the
/// English; the audit page says it in the person's language). A detail that quotes the supervisor's answer or the outbox's
/// takes that sentence as its argument, so the book holds their sentences too. Names, ids, addresses and numbers are data.
/// </summary>
public static class AuditNotes
{
    public static PhraseBook Book { get; } = new(
    [
        ("Audit.Started", "Started: {0}"),
        ("Audit.InProgress", "InProgress: {0}"),
        ("Audit.AlreadyConnected", "AlreadyConnected: {0}"),
        ("Audit.Done", "Done: {0}"),
        ("Audit.Refused", "Refused: {0}"),
        ("Audit.Move", "{0} → {1}: {2}"),
        ("Audit.Scanned", "scanned"),
        ("Audit.Answered", "answered {0}"),
        ("Audit.Message", "message {0}: {1}"),
        ("Audit.GatewaySession", "{0}/{1}: {2}"),
        ("Audit.Gateway.AdminOnly", "Only an admin can remove sessions from a gateway server."),
        ("Audit.Gateway.NotConfigured", "No gateway server '{0}' is configured."),
        ("Audit.Gateway.NoSuchSession", "{0} holds no session '{1}'."),
        ("Audit.Gateway.NotOurs", "'{0}' was not created by this dashboard; it is left alone. Remove it on {1} itself if it is not needed."),
        ("Audit.Gateway.Live", "'{0}' is the live session of {1} on {2}; log the account out or move it instead."),
        ("Audit.Gateway.Removed", "Removed '{0}' from {1}."),
        // Written by the sign-in (read back only).
        ("Audit.Throttled", "throttled ({0})"),
        ("Audit.WrongPassword", "wrong email or password"),
        ("Audit.Disabled", "disabled"),
        .. CommandReplies.Entries,
        .. OutboxNotes.Entries,
    ]);

    public static string Say(string code, params object?[] args) => Book.Say(code, args);

    /// <summary>A command's outcome with the supervisor's answer: "Refused: No such account.".</summary>
    public static string Outcome(CommandResult result) => Say($"Audit.{result.Outcome}", result.Message);
}
