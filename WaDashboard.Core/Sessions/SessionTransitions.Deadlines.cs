using System.Collections.Immutable;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>Deadlines: a start that never finishes, a QR code that runs out, the next reconnect attempt.</summary>
public static partial class SessionTransitions
{
    private static Transition OnDeadline(AccountState state, DeadlineReached deadline, TransitionContext context)
    {
        switch (deadline.Kind)
        {
            case DeadlineKind.ReconnectDue when state.Status == AccountStatus.Reconnecting
                                                && state.NextAttemptAt is { } due && due <= context.Now
                                                && deadline.Token == state.StartToken:
                var next = Move(state, AccountStatus.Starting, context.Now,
                    SessionNotes.Say("Note.AutoAttempt", state.ReconnectAttempt)) with
                {
                    StartToken = state.StartToken + 1,
                };
                return new Transition(next, [new StartEngine(next.Generation, LinkMode.None, next.StartToken)]);

            case DeadlineKind.StartTimeout when state.Status is AccountStatus.Starting && deadline.Token == state.StartToken:
                var text = SessionNotes.Say("Note.StartTimeout", SessionNotes.Number(context.Options.StartTimeout.TotalSeconds, "0"));
                if (!state.SessionLinked)
                {
                    var linkTimedOut = Disconnect(state, "start-timeout", text, context, driftNote: false);
                    return linkTimedOut with { Effects = [new StopEngine(), .. linkTimedOut.Effects] };
                }

                // Smart initialize: a restore start that hangs is retried at most StartRetries times in a row; then the
                // folder is checked before anything else is tried (a corrupt one is quarantined, see FolderChecked).
                var timeouts = state.StartTimeouts + 1;
                if (timeouts > context.Options.StartRetries)
                {
                    var checking = Move(state, AccountStatus.Disconnected, context.Now,
                        SessionNotes.Say("Note.StartTimeouts", SessionNotes.Number(context.Options.StartTimeout.TotalSeconds, "0"), timeouts)) with
                    {
                        Reason = DisconnectReason.Timeout,
                        RawCode = "start-timeout",
                        RawText = text,
                        StartTimeouts = timeouts,
                        AutoReconnectPaused = true,
                        RecentDisconnects = RememberDisconnect(state.RecentDisconnects, context.Now, context.Options),
                    };
                    return new Transition(checking, [new StopEngine(), new CheckSessionFolder(state.Generation, state.StartToken, FolderCheckPurpose.AfterStartTimeouts)],
                        Observed: new DisconnectObservation(DisconnectReason.Timeout, "start-timeout", text));
                }

                var timedOut = Disconnect(state, "start-timeout", text, context, driftNote: false);
                return timedOut with { State = timedOut.State with { StartTimeouts = timeouts }, Effects = [new StopEngine(), .. timedOut.Effects] };

            default:
                return Transition.Unchanged(state);
        }
    }
}
