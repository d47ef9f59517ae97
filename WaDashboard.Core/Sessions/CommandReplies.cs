using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Workers;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// What the supervisor answers a person's command (<see cref="CommandResult.Message"/>): why it was refused, or what it
/// started. The REST API, the audit log and the logs keep the English; the console says it in the person's language.
/// </summary>
public static class CommandReplies
{
    /// <summary>The entries, for a book that nests these answers in its own sentences (the audit log's).</summary>
    public static IReadOnlyList<(string Code, string Template)> Entries { get; } =
    [
        ("Reply.ChooseLink", "Choose how to link: a QR code or a pairing code."),
        ("Reply.LinkWhileConnected", "This account is already connected. Log it out first to link a different phone."),
        ("Reply.QrShowing", "A QR code is already being shown; scan it with the phone."),
        ("Reply.PairingShowing", "A pairing code is already being shown; enter it on the phone."),
        ("Reply.StartingQr", "Starting a new session; the QR code appears in a moment."),
        ("Reply.StartingPairing", "Starting a new session; the pairing code appears in a moment."),
        ("Reply.AlreadyConnected", "Already connected."),
        ("Reply.QrWaiting", "A QR code is waiting to be scanned."),
        ("Reply.PairingWaiting", "A pairing code is waiting to be entered on the phone."),
        ("Reply.UnderWay", "A connection attempt is already under way."),
        ("Reply.BannedUntil", "This number is banned until {0} UTC. Reconnecting during a ban makes it worse; wait, or force it."),
        ("Reply.NoUsableSession", "No usable session: starting a new one; scan the fresh QR code with the phone."),
        ("Reply.Reconnecting", "Reconnecting with the saved session; no QR needed."),
        ("Reply.LoggedOut", "Logged out. Click Reconnect to link again with a fresh QR code."),
        ("Reply.AlreadyOn", "The account is already on {0}."),
        ("Reply.Moved", "Moved to {0}. Link it again there: click Link and scan the QR code (or use a pairing code)."),
        ("Reply.AlreadyStopped", "Already stopped."),
        ("Reply.Stopped", "Stopped. Click Reconnect to start it again."),
        ("Reply.FreshWaiting", "A fresh session is already waiting for its QR code to be scanned; there is nothing left to clear."),
        ("Reply.Cleared", "Session cleared: generation {0} went to the quarantine (creds.json backed up). Scan the fresh QR code with the phone."),
        ("Reply.NothingToClear", "There was no session to clear; starting a new one. Scan the QR code with the phone."),
        ("Reply.CurrentGeneration", "Generation {0} is the account's current session; use Clear session to replace it."),
        ("Reply.NoOlderGeneration", "The account has no older generation {0} (its current one is {1})."),
        ("Reply.FolderInUse", "{0} refused: the session folder is in use while the account is {1}. Stop the account first, or wait until it is disconnected."),
        ("Reply.InUse.Connected", "connected"),
        ("Reply.InUse.Starting", "starting"),
        ("Reply.InUse.AwaitingQrScan", "waiting for a QR scan"),
        ("Reply.InUse.AwaitingPairingCode", "waiting for a pairing code"),
        // The storage repairs' own names (Storage.SessionRepair.Label), read inside "… refused" and "… failed".
        ("Reply.Repair.TrimCaches", "Trimming caches"),
        ("Reply.Repair.RemoveStaleLock", "Removing the stale lock"),
        ("Reply.Repair.RemoveTempFiles", "Removing temp files"),
        ("Reply.Repair.RestoreCreds", "Restoring creds.json"),
        ("Reply.Repair.QuarantineGeneration", "Moving generation {0} to the quarantine"),
        ("Reply.NoFolder", "This account has no session folder yet."),
        ("Reply.NoSuchAccount", "No such account."),
        ("Reply.NameServer", "Name the server to move to (worker_id)."),
        ("Reply.BeingRemoved", "This account is being removed."),
        ("Reply.ShuttingDown", "The dashboard is shutting down."),
        ("Reply.Failed", "Something failed while handling this request; see the log. Nothing was lost."),
        ("Reply.Done", "Done."),
        // The console's answer to a person whose role only reads (written by the Web's operator actions).
        ("Reply.ViewOnly", "Your role can only view. Ask an operator or an admin to do this."),
        // Why no server can take an account, answered to adding or moving one.
        .. PlacementText.Entries,
    ];

    public static PhraseBook Book { get; } = new([.. Entries]);

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
