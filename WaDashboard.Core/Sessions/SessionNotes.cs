using System.Globalization;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// The supervisor's journal notes: the sentence each transition writes into the account's state and timeline (the log,
/// the database and GET /api/accounts/{phone}/timeline keep it in English; the console says it in the person's
/// language). A note built from another sentence (the drift prefix, "Needs you: …", a disconnect reason's title or next
/// action) takes that sentence as its argument, so each part is translated on its own.
/// </summary>
public static class SessionNotes
{
    // Reasons whose next action is the same sentence share one code (the first reason's), so reading it back is not ambiguous.
    private static readonly Dictionary<DisconnectReason, string> ActionCodes = ReasonCatalog.All
        .GroupBy(r => r.OperatorAction, StringComparer.Ordinal)
        .SelectMany(same => same.Select(r => (r.Reason, Code: ReasonAction(same.First().Reason))))
        .ToDictionary(r => r.Reason, r => r.Code);

    public static PhraseBook Book { get; } = new(
    [
        ("Note.Added", "Added. Link it with a QR code or a pairing code."),
        ("Note.AccountAdded", "Account added."),
        ("Note.LinkQr", "Linking with a QR code requested by a person."),
        ("Note.LinkPairing", "Linking with a pairing code requested by a person."),
        ("Note.Reconnect", "Reconnect requested by a person; restoring the saved session (no QR needed)."),
        ("Note.LoggedOut", "Logged out by a person; the session folder was removed."),
        ("Note.Moved", "Moved from {0} to {1}. A login cannot move between servers: link it again with a QR code or a pairing code."),
        ("Note.Stopped", "Stopped by a person; the saved session is kept."),
        ("Note.LinkInterrupted", "Linking was interrupted by a restart. Ask for a new QR code or pairing code."),
        ("Note.Restoring", "Restoring the saved session after a restart (no QR needed)."),
        ("Note.AutoAttempt", "Automatic reconnect attempt {0} with the saved session (no QR)."),
        ("Note.StartTimeouts", "The session did not start within {0} s, {1} times in a row; checking its folder before trying again."),
        ("Note.StartTimeout", "The session did not connect within {0} s"),
        ("Note.QrShown", "QR code {0} of {1} shown; waiting for the phone to scan it."),
        ("Note.PairingShown", "Pairing code shown; enter it on the phone under Linked devices."),
        ("Note.Accepted", "The phone accepted the link; finishing the connection."),
        ("Note.Connected", "Connected."),
        ("Note.BannedUntil", "Temporarily banned until {0} UTC."),
        ("Note.Banned", "Banned by WhatsApp."),
        ("Note.NoSession", "No usable login in the session folder. Relink with a fresh QR code."),
        ("Note.Drift", "Drift: the engine no longer has this session. {0}"),
        ("Note.NeedsYou", "Needs you: {0}"),
        ("Note.NoCodeTimeout", "{0}: no QR code or pairing code ever came. The gateway may not reach WhatsApp (network, DNS, proxy) or may be overloaded. Check the gateway, then link again."),
        ("Note.NoCode", "No QR code or pairing code ever came: {0} Check the gateway, then link again."),
        ("Note.QrExpired", "The QR code expired before the phone linked. Ask for a new one when the phone is at hand."),
        ("Note.PairingExpired", "The pairing code expired before the phone linked. Ask for a new one when the phone is at hand."),
        ("Note.NoSavedLogin", "No saved login to reconnect with: relink with a QR code."),
        ("Note.LoopBreaker", "Loop breaker: {0} disconnects within {1} min; automatic reconnect paused. Check the account, then click Reconnect."),
        ("Note.GaveUpBudget", "Gave up: still failing after {0} h of retries. Click Reconnect to try again."),
        ("Note.GaveUpUnknown", "Gave up after {0} attempts on an unrecognised disconnect ({1} {2})."),
        ("Note.RestartAtOnce", "{0}: restarting at once with the saved session."),
        ("Note.ReconnectIn", "{0}: automatic reconnect attempt {1} in {2} s (no QR needed)."),
        ("Note.Cleared", "Session cleared by a person: the old session folder went to the quarantine (creds.json backed up). Scan the fresh QR code."),
        ("Note.CorruptBeforeStart", "The saved session was found corrupt before starting it ({0}). It was moved to the quarantine and creds.json backed up; a person must scan a fresh QR code to relink."),
        ("Note.CorruptAfterTimeouts", "The session did not start {0} times in a row and its folder is corrupt ({1}). It was moved to the quarantine and creds.json backed up; a person must scan a fresh QR code to relink."),
        ("Note.TimeoutsFolderIntact", "The session did not start within {0} s, {1} times in a row. Its folder is intact, so it was kept; automatic reconnect is paused. Check the engine and the network, then click Reconnect."),
        ("Note.CredsRestored", "creds.json was restored from a backup; click Reconnect to start with it (no QR needed)."),
        .. ReasonCatalog.All.Select(r => (ReasonTitle(r.Reason), r.Title)),
        .. ReasonCatalog.All.Where(r => ActionCodes[r.Reason] == ReasonAction(r.Reason)).Select(r => (ReasonAction(r.Reason), r.OperatorAction)),
    ]);

    public static string Say(string code, params object?[] args) => Book.Say(code, args);

    /// <summary>A disconnect reason's title, as a part of a note.</summary>
    public static string Title(DisconnectReason reason) => Book.Say(ReasonTitle(reason));

    /// <summary>What a person does after a disconnect reason, as a part of a note.</summary>
    public static string Action(DisconnectReason reason) => Book.Say(ActionCodes[reason]);

    /// <summary>A number of seconds, minutes or hours as notes write it: invariant, at most one decimal.</summary>
    public static string Number(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string ReasonTitle(DisconnectReason reason) => $"Reason.{reason}.Title";

    private static string ReasonAction(DisconnectReason reason) => $"Reason.{reason}.Action";
}
