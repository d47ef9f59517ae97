using System.Collections.Immutable;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>The session folder: clearing it, repairs, and what the supervisor's folder check found.</summary>
public static partial class SessionTransitions
{
    private const string ClearNote = "Session cleared by a person: the old session folder went to the quarantine (creds.json backed up). Scan the fresh QR code.";

    /// <summary>A person clears the session: quarantine the current generation, start a new one with a QR code.</summary>
    private static Transition ClearSession(AccountState state, TransitionContext context)
    {
        if (state.Status == AccountStatus.AwaitingQrScan
            || (state.Status == AccountStatus.Starting && !state.SessionLinked && state.Qr is null && state.PairingCode is null && state.Note is ClearNote))
        {
            return Transition.Unchanged(state, new(CommandOutcome.InProgress,
                "A fresh session is already waiting for its QR code to be scanned; there is nothing left to clear."));
        }

        var effects = new List<SessionEffect>();
        if (state.SessionLinked)
        {
            // Unlink the device on WhatsApp's side when the engine still can, so it does not take a device slot.
            effects.Add(new LogoutEngine());
        }
        else if (IsActive(state.Status))
        {
            effects.Add(new StopEngine());
        }

        if (state.Generation >= 1)
        {
            effects.Add(new QuarantineSessionFolder(state.Generation, "Session cleared by a person"));
        }

        var next = NewGeneration(Move(state, AccountStatus.Starting, context.Now, ClearNote));
        effects.Add(new StartEngine(next.Generation, LinkMode.Qr, next.StartToken));
        return new Transition(next, effects, new(CommandOutcome.Started, state.Generation >= 1
            ? $"Session cleared: generation {state.Generation} went to the quarantine (creds.json backed up). Scan the fresh QR code with the phone."
            : "There was no session to clear; starting a new one. Scan the QR code with the phone."));
    }

    /// <summary>A storage repair runs only on a folder no engine is using: never while the account is starting or connected.</summary>
    private static Transition Maintain(AccountState state, FolderRepair repair)
    {
        if (repair is QuarantineOldGeneration old)
        {
            // An older generation is never opened again: the engine only ever starts the current one, and the switch
            // to a newer generation stopped the old session before this command could be handled.
            return old.Generation >= 1 && old.Generation < state.Generation
                ? new Transition(state, [new RepairSessionFolder(old.Generation, repair)])
                : Transition.Unchanged(state, new(CommandOutcome.Refused, old.Generation == state.Generation
                    ? $"Generation {old.Generation} is the account's current session; use Clear session to replace it."
                    : $"The account has no older generation {old.Generation} (its current one is {state.Generation})."));
        }

        if (IsActive(state.Status))
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused,
                $"{repair.Label} refused: the session folder is in use while the account is {Describe(state.Status)}. Stop the account first, or wait until it is disconnected."));
        }

        if (state.Generation < 1)
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused, "This account has no session folder yet."));
        }

        return repair is RestoreCreds
            ? new Transition(state, [new RepairSessionFolder(state.Generation, repair), new CheckSessionFolder(state.Generation, state.StartToken, FolderCheckPurpose.AfterRestore)])
            : new Transition(state, [new RepairSessionFolder(state.Generation, repair)]);
    }

    private static string Describe(AccountStatus status) => status switch
    {
        AccountStatus.Connected => "connected",
        AccountStatus.Starting => "starting",
        AccountStatus.AwaitingQrScan => "waiting for a QR scan",
        AccountStatus.AwaitingPairingCode => "waiting for a pairing code",
        _ => status.ToString(),
    };

    /// <summary>The supervisor checked the session folder: a corrupt one is quarantined and a person is asked for a QR code, never silently.</summary>
    private static Transition FolderChecked(AccountState state, SessionFolderChecked check, TransitionContext context)
    {
        if (check.Token != state.StartToken)
        {
            return Transition.Unchanged(state);
        }

        var now = context.Now;
        switch (check.Purpose)
        {
            case FolderCheckPurpose.BeforeStart when state.Status == AccountStatus.Starting && check.Corrupt:
                return Corrupt(state, check, now,
                    $"The saved session was found corrupt before starting it ({check.Detail}). It was moved to the quarantine and creds.json backed up; a person must scan a fresh QR code to relink.");

            case FolderCheckPurpose.AfterStartTimeouts when state.Status == AccountStatus.Disconnected && check.Corrupt:
                return Corrupt(state, check, now,
                    $"The session did not start {state.StartTimeouts} times in a row and its folder is corrupt ({check.Detail}). It was moved to the quarantine and creds.json backed up; a person must scan a fresh QR code to relink.");

            case FolderCheckPurpose.AfterStartTimeouts when state.Status == AccountStatus.Disconnected:
                var message = $"The session did not start within {context.Options.StartTimeout.TotalSeconds:0} s, {state.StartTimeouts} times in a row. Its folder is intact, so it was kept; "
                              + "automatic reconnect is paused. Check the engine and the network, then click Reconnect.";
                return new Transition(Move(state, AccountStatus.Disconnected, now, message) with { AutoReconnectPaused = true }, [new RaiseAlert(message)]);

            case FolderCheckPurpose.AfterRestore when !IsActive(state.Status) && !check.Corrupt && check.LoginPresent:
                return new Transition(Move(state, AccountStatus.Stopped, now,
                    "creds.json was restored from a backup; click Reconnect to start with it (no QR needed).") with { SessionLinked = true, AutoReconnectPaused = false }, []);

            default:
                return Transition.Unchanged(state);
        }
    }

    private static Transition Corrupt(AccountState state, SessionFolderChecked check, DateTimeOffset now, string note)
    {
        var next = Move(state, AccountStatus.SessionCorrupt, now, note) with
        {
            SessionLinked = false,
            Reason = DisconnectReason.SessionCorrupt,
            RawCode = "folder-check",
            RawText = check.Detail,
            StartTimeouts = 0,
            AutoReconnectPaused = false,
        };
        return new Transition(next,
            [new QuarantineSessionFolder(state.Generation, "Corrupt session: " + check.Detail), new RaiseAlert("Session corrupt: moved to the quarantine; scan a fresh QR code to relink.")],
            Observed: new DisconnectObservation(DisconnectReason.SessionCorrupt, "folder-check", check.Detail));
    }
}
