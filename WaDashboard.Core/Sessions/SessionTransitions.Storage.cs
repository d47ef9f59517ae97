using System.Collections.Immutable;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>The session folder: clearing it, repairs, and what the supervisor's folder check found.</summary>
public static partial class SessionTransitions
{
    private static readonly string ClearNote = SessionNotes.Say("Note.Cleared");

    /// <summary>A person clears the session: quarantine the current generation, start a new one with a QR code.</summary>
    private static Transition ClearSession(AccountState state, TransitionContext context)
    {
        if (state.Status == AccountStatus.AwaitingQrScan
            || (state.Status == AccountStatus.Starting && !state.SessionLinked && state.Qr is null && state.PairingCode is null && state.Note == ClearNote))
        {
            return Transition.Unchanged(state, new(CommandOutcome.InProgress,
                CommandReplies.Say("Reply.FreshWaiting")));
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
            ? CommandReplies.Say("Reply.Cleared", state.Generation)
            : CommandReplies.Say("Reply.NothingToClear")));
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
                    ? CommandReplies.Say("Reply.CurrentGeneration", old.Generation)
                    : CommandReplies.Say("Reply.NoOlderGeneration", old.Generation, state.Generation)));
        }

        if (IsActive(state.Status))
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused,
                CommandReplies.Say("Reply.FolderInUse", repair.Label, Describe(state.Status))));
        }

        if (state.Generation < 1)
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused, CommandReplies.Say("Reply.NoFolder")));
        }

        return repair is RestoreCreds
            ? new Transition(state, [new RepairSessionFolder(state.Generation, repair), new CheckSessionFolder(state.Generation, state.StartToken, FolderCheckPurpose.AfterRestore)])
            : new Transition(state, [new RepairSessionFolder(state.Generation, repair)]);
    }

    private static string Describe(AccountStatus status) => status switch
    {
        AccountStatus.Connected or AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode => CommandReplies.Say($"Reply.InUse.{status}"),
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
                    SessionNotes.Say("Note.CorruptBeforeStart", check.Detail));

            case FolderCheckPurpose.AfterStartTimeouts when state.Status == AccountStatus.Disconnected && check.Corrupt:
                return Corrupt(state, check, now,
                    SessionNotes.Say("Note.CorruptAfterTimeouts", state.StartTimeouts, check.Detail));

            case FolderCheckPurpose.AfterStartTimeouts when state.Status == AccountStatus.Disconnected:
                var message = SessionNotes.Say("Note.TimeoutsFolderIntact", SessionNotes.Number(context.Options.StartTimeout.TotalSeconds, "0"), state.StartTimeouts);
                return new Transition(Move(state, AccountStatus.Disconnected, now, message) with { AutoReconnectPaused = true }, [new RaiseAlert(message)]);

            case FolderCheckPurpose.AfterRestore when !IsActive(state.Status) && !check.Corrupt && check.LoginPresent:
                return new Transition(Move(state, AccountStatus.Stopped, now,
                    SessionNotes.Say("Note.CredsRestored")) with { SessionLinked = true, AutoReconnectPaused = false }, []);

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
