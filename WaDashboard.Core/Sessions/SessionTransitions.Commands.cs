using System.Collections.Immutable;
using System.Globalization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>A person's commands: link, reconnect, log out, move to another worker, stop, restore.</summary>
public static partial class SessionTransitions
{
    private static Transition Link(AccountState state, LinkMode mode, TransitionContext context)
    {
        if (mode == LinkMode.None)
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused, CommandReplies.Say("Reply.ChooseLink")));
        }

        if (state.Status == AccountStatus.Connected)
        {
            return Transition.Unchanged(state, new(CommandOutcome.AlreadyConnected,
                CommandReplies.Say("Reply.LinkWhileConnected")));
        }

        var waitingFor = mode == LinkMode.Qr ? AccountStatus.AwaitingQrScan : AccountStatus.AwaitingPairingCode;
        if (state.Status == waitingFor || (state.Status == AccountStatus.Starting && !state.SessionLinked && state.Qr is null && state.PairingCode is null
                                           && (state.Note == LinkNote(mode) || (mode == LinkMode.Qr && state.Note == ClearNote))))
        {
            return Transition.Unchanged(state, new(CommandOutcome.InProgress,
                CommandReplies.Say(mode == LinkMode.Qr ? "Reply.QrShowing" : "Reply.PairingShowing")));
        }

        var effects = new List<SessionEffect>();
        if (IsActive(state.Status))
        {
            effects.Add(new StopEngine());
        }

        var next = NewGeneration(Move(state, AccountStatus.Starting, context.Now, LinkNote(mode)));
        effects.Add(new StartEngine(next.Generation, mode, next.StartToken));
        return new Transition(next, effects, new(CommandOutcome.Started,
            CommandReplies.Say(mode == LinkMode.Qr ? "Reply.StartingQr" : "Reply.StartingPairing")));
    }

    private static string LinkNote(LinkMode mode) =>
        SessionNotes.Say(mode == LinkMode.Qr ? "Note.LinkQr" : "Note.LinkPairing");

    private static Transition Reconnect(AccountState state, bool force, TransitionContext context)
    {
        var now = context.Now;
        switch (state.Status)
        {
            case AccountStatus.Connected when !force:
                return Transition.Unchanged(state, new(CommandOutcome.AlreadyConnected, CommandReplies.Say("Reply.AlreadyConnected")));
            case AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode when !force:
                return Transition.Unchanged(state, new(CommandOutcome.InProgress, state.Status switch
                {
                    AccountStatus.AwaitingQrScan => CommandReplies.Say("Reply.QrWaiting"),
                    AccountStatus.AwaitingPairingCode => CommandReplies.Say("Reply.PairingWaiting"),
                    _ => CommandReplies.Say("Reply.UnderWay"),
                }));
            case AccountStatus.Banned when !force && state.BannedUntil is { } until && until > now:
                return Transition.Unchanged(state, new(CommandOutcome.Refused,
                    CommandReplies.Say("Reply.BannedUntil", until.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))));
        }

        var sessionUsable = state.SessionLinked && state.Status is not (AccountStatus.LoggedOut or AccountStatus.SessionCorrupt);
        if (!sessionUsable)
        {
            var linked = Link(state, LinkMode.Qr, context);
            return linked with
            {
                Result = new(CommandOutcome.Started, CommandReplies.Say("Reply.NoUsableSession")),
            };
        }

        var effects = new List<SessionEffect>();
        if (IsActive(state.Status))
        {
            effects.Add(new StopEngine());
        }

        var next = Move(state, AccountStatus.Starting, now, SessionNotes.Say("Note.Reconnect")) with
        {
            ReconnectAttempt = 0,
            FailingSince = null,
            AutoReconnectPaused = false,
            StartTimeouts = 0,
            StartToken = state.StartToken + 1,
        };
        effects.Add(new StartEngine(next.Generation, LinkMode.None, next.StartToken));
        return new Transition(next, effects, new(CommandOutcome.Started, CommandReplies.Say("Reply.Reconnecting")));
    }

    private static Transition Logout(AccountState state, TransitionContext context)
    {
        var effects = new List<SessionEffect>();
        if (IsActive(state.Status) || state.SessionLinked)
        {
            effects.Add(new LogoutEngine());
        }

        effects.Add(new DeleteGenerationFolder(state.Generation));
        var next = Move(state, AccountStatus.LoggedOut, context.Now, SessionNotes.Say("Note.LoggedOut")) with
        {
            SessionLinked = false,
            Reason = DisconnectReason.LoggedOut,
            RawCode = "operator",
            RawText = "Logged out from the dashboard",
            ReconnectAttempt = 0,
            FailingSince = null,
        };
        return new Transition(next, effects, new(CommandOutcome.Done, CommandReplies.Say("Reply.LoggedOut")),
            new DisconnectObservation(DisconnectReason.LoggedOut, next.RawCode, next.RawText));
    }

    private static Transition MoveToWorker(AccountState state, string workerId, TransitionContext context)
    {
        if (string.Equals(workerId, state.WorkerId, StringComparison.OrdinalIgnoreCase))
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused, CommandReplies.Say("Reply.AlreadyOn", state.WorkerId)));
        }

        // The old session goes whatever state it is in: left behind it would still hold (or ask for) the login.
        var effects = new List<SessionEffect> { new RemoveSessionFromWorker(state.WorkerId, state.Generation), new DeleteGenerationFolder(state.Generation) };
        var note = SessionNotes.Say("Note.Moved", state.WorkerId, workerId);
        // A new generation: a late event of the old session can then change nothing.
        var next = NewGeneration(Move(state, AccountStatus.New, context.Now, note)) with
        {
            WorkerId = workerId,
            Reason = null,
            RawCode = null,
            RawText = null,
        };
        return new Transition(next, effects, new(CommandOutcome.Done, CommandReplies.Say("Reply.Moved", workerId)));
    }

    private static Transition Stop(AccountState state, TransitionContext context)
    {
        if (state.Status == AccountStatus.Stopped)
        {
            return Transition.Unchanged(state, new(CommandOutcome.Done, CommandReplies.Say("Reply.AlreadyStopped")));
        }

        var effects = IsActive(state.Status) ? new List<SessionEffect> { new StopEngine() } : [];
        var next = Move(state, AccountStatus.Stopped, context.Now, SessionNotes.Say("Note.Stopped"));
        return new Transition(next, effects, new(CommandOutcome.Done, CommandReplies.Say("Reply.Stopped")));
    }

    private static Transition Restore(AccountState state, TransitionContext context)
    {
        var now = context.Now;
        switch (state.Status)
        {
            case AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode:
            case AccountStatus.Starting when !state.SessionLinked:
                return new Transition(Move(state, AccountStatus.QrExpired, now,
                    SessionNotes.Say("Note.LinkInterrupted")), []);
            case AccountStatus.Connected or AccountStatus.Starting or AccountStatus.Reconnecting when state.SessionLinked:
            case AccountStatus.Disconnected when state.SessionLinked && !state.AutoReconnectPaused
                                                  && state.Reason is { } reason && ReasonCatalog.Get(reason).AutoReconnect:
                var next = Move(state, AccountStatus.Starting, now, SessionNotes.Say("Note.Restoring")) with
                {
                    StartToken = state.StartToken + 1,
                };
                return new Transition(next, [new StartEngine(next.Generation, LinkMode.None, next.StartToken)]);
            default:
                return Transition.Unchanged(state);
        }
    }
}
