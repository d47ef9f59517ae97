using System.Collections.Immutable;
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
            return Transition.Unchanged(state, new(CommandOutcome.Refused, "Choose how to link: a QR code or a pairing code."));
        }

        if (state.Status == AccountStatus.Connected)
        {
            return Transition.Unchanged(state, new(CommandOutcome.AlreadyConnected,
                "This account is already connected. Log it out first to link a different phone."));
        }

        var waitingFor = mode == LinkMode.Qr ? AccountStatus.AwaitingQrScan : AccountStatus.AwaitingPairingCode;
        if (state.Status == waitingFor || (state.Status == AccountStatus.Starting && !state.SessionLinked && state.Qr is null && state.PairingCode is null
                                           && (state.Note == LinkNote(mode) || (mode == LinkMode.Qr && state.Note == ClearNote))))
        {
            return Transition.Unchanged(state, new(CommandOutcome.InProgress,
                mode == LinkMode.Qr ? "A QR code is already being shown; scan it with the phone." : "A pairing code is already being shown; enter it on the phone."));
        }

        var effects = new List<SessionEffect>();
        if (IsActive(state.Status))
        {
            effects.Add(new StopEngine());
        }

        var next = NewGeneration(Move(state, AccountStatus.Starting, context.Now, LinkNote(mode)));
        effects.Add(new StartEngine(next.Generation, mode, next.StartToken));
        return new Transition(next, effects, new(CommandOutcome.Started,
            mode == LinkMode.Qr ? "Starting a new session; the QR code appears in a moment." : "Starting a new session; the pairing code appears in a moment."));
    }

    private static string LinkNote(LinkMode mode) =>
        mode == LinkMode.Qr ? "Linking with a QR code requested by a person." : "Linking with a pairing code requested by a person.";

    private static Transition Reconnect(AccountState state, bool force, TransitionContext context)
    {
        var now = context.Now;
        switch (state.Status)
        {
            case AccountStatus.Connected when !force:
                return Transition.Unchanged(state, new(CommandOutcome.AlreadyConnected, "Already connected."));
            case AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode when !force:
                return Transition.Unchanged(state, new(CommandOutcome.InProgress, state.Status switch
                {
                    AccountStatus.AwaitingQrScan => "A QR code is waiting to be scanned.",
                    AccountStatus.AwaitingPairingCode => "A pairing code is waiting to be entered on the phone.",
                    _ => "A connection attempt is already under way.",
                }));
            case AccountStatus.Banned when !force && state.BannedUntil is { } until && until > now:
                return Transition.Unchanged(state, new(CommandOutcome.Refused,
                    $"This number is banned until {until:yyyy-MM-dd HH:mm} UTC. Reconnecting during a ban makes it worse; wait, or force it."));
        }

        var sessionUsable = state.SessionLinked && state.Status is not (AccountStatus.LoggedOut or AccountStatus.SessionCorrupt);
        if (!sessionUsable)
        {
            var linked = Link(state, LinkMode.Qr, context);
            return linked with
            {
                Result = new(CommandOutcome.Started, "No usable session: starting a new one; scan the fresh QR code with the phone."),
            };
        }

        var effects = new List<SessionEffect>();
        if (IsActive(state.Status))
        {
            effects.Add(new StopEngine());
        }

        var next = Move(state, AccountStatus.Starting, now, "Reconnect requested by a person; restoring the saved session (no QR needed).") with
        {
            ReconnectAttempt = 0,
            FailingSince = null,
            AutoReconnectPaused = false,
            StartTimeouts = 0,
            StartToken = state.StartToken + 1,
        };
        effects.Add(new StartEngine(next.Generation, LinkMode.None, next.StartToken));
        return new Transition(next, effects, new(CommandOutcome.Started, "Reconnecting with the saved session; no QR needed."));
    }

    private static Transition Logout(AccountState state, TransitionContext context)
    {
        var effects = new List<SessionEffect>();
        if (IsActive(state.Status) || state.SessionLinked)
        {
            effects.Add(new LogoutEngine());
        }

        effects.Add(new DeleteGenerationFolder(state.Generation));
        var next = Move(state, AccountStatus.LoggedOut, context.Now, "Logged out by a person; the session folder was removed.") with
        {
            SessionLinked = false,
            Reason = DisconnectReason.LoggedOut,
            RawCode = "operator",
            RawText = "Logged out from the dashboard",
            ReconnectAttempt = 0,
            FailingSince = null,
        };
        return new Transition(next, effects, new(CommandOutcome.Done, "Logged out. Click Reconnect to link again with a fresh QR code."),
            new DisconnectObservation(DisconnectReason.LoggedOut, next.RawCode, next.RawText));
    }

    private static Transition MoveToWorker(AccountState state, string workerId, TransitionContext context)
    {
        if (string.Equals(workerId, state.WorkerId, StringComparison.OrdinalIgnoreCase))
        {
            return Transition.Unchanged(state, new(CommandOutcome.Refused, $"The account is already on {state.WorkerId}."));
        }

        // The old session goes whatever state it is in: left behind it would still hold (or ask for) the login.
        var effects = new List<SessionEffect> { new RemoveSessionFromWorker(state.WorkerId, state.Generation), new DeleteGenerationFolder(state.Generation) };
        var note = $"Moved from {state.WorkerId} to {workerId}. A login cannot move between servers: link it again with a QR code or a pairing code.";
        // A new generation: a late event of the old session can then change nothing.
        var next = NewGeneration(Move(state, AccountStatus.New, context.Now, note)) with
        {
            WorkerId = workerId,
            Reason = null,
            RawCode = null,
            RawText = null,
        };
        return new Transition(next, effects, new(CommandOutcome.Done, $"Moved to {workerId}. Link it again there: click Link and scan the QR code (or use a pairing code)."));
    }

    private static Transition Stop(AccountState state, TransitionContext context)
    {
        if (state.Status == AccountStatus.Stopped)
        {
            return Transition.Unchanged(state, new(CommandOutcome.Done, "Already stopped."));
        }

        var effects = IsActive(state.Status) ? new List<SessionEffect> { new StopEngine() } : [];
        var next = Move(state, AccountStatus.Stopped, context.Now, "Stopped by a person; the saved session is kept.");
        return new Transition(next, effects, new(CommandOutcome.Done, "Stopped. Click Reconnect to start it again."));
    }

    private static Transition Restore(AccountState state, TransitionContext context)
    {
        var now = context.Now;
        switch (state.Status)
        {
            case AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode:
            case AccountStatus.Starting when !state.SessionLinked:
                return new Transition(Move(state, AccountStatus.QrExpired, now,
                    "Linking was interrupted by a restart. Ask for a new QR code or pairing code."), []);
            case AccountStatus.Connected or AccountStatus.Starting or AccountStatus.Reconnecting when state.SessionLinked:
            case AccountStatus.Disconnected when state.SessionLinked && !state.AutoReconnectPaused
                                                  && state.Reason is { } reason && ReasonCatalog.Get(reason).AutoReconnect:
                var next = Move(state, AccountStatus.Starting, now, "Restoring the saved session after a restart (no QR needed).") with
                {
                    StartToken = state.StartToken + 1,
                };
                return new Transition(next, [new StartEngine(next.Generation, LinkMode.None, next.StartToken)]);
            default:
                return Transition.Unchanged(state);
        }
    }
}
