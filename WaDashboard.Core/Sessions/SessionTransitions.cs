using System.Collections.Immutable;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>The inputs a transition needs besides the state: the time, the policy and one random sample for jitter.</summary>
public sealed record TransitionContext(DateTimeOffset Now, ReconnectOptions Options, double JitterSample);

/// <summary>A disconnect as the transition saw it, for the timeline (kept even when it is not an error, e.g. 515).</summary>
public sealed record DisconnectObservation(DisconnectReason Reason, string? RawCode, string? RawText);

public sealed record Transition(AccountState State, IReadOnlyList<SessionEffect> Effects, CommandResult? Result = null, DisconnectObservation? Observed = null)
{
    public static Transition Unchanged(AccountState state, CommandResult? result = null) => new(state, [], result);
}

/// <summary>
/// The whole decision logic of an account's session: <c>(state, input, now) → (state', effects)</c>.
/// Pure: no clock, no I/O, no randomness beyond the sample in the context.
/// </summary>
public static partial class SessionTransitions
{
    public static Transition Apply(AccountState state, SupervisorInput input, TransitionContext context) => input switch
    {
        LinkCommand link => Link(state, link.Mode, context),
        ReconnectCommand reconnect => Reconnect(state, reconnect.Force, context),
        LogoutCommand => Logout(state, context),
        StopCommand => Stop(state, context),
        MoveToWorkerCommand move => MoveToWorker(state, move.WorkerId, context),
        RestoreCommand => Restore(state, context),
        ClearSessionCommand => ClearSession(state, context),
        MaintainSessionCommand maintain => Maintain(state, maintain.Repair),
        SessionFolderChecked check => FolderChecked(state, check, context),
        DriftDetected drift => Drift(state, drift, context),
        ZombieDetected zombie => Zombie(state, zombie, context),
        EngineEventInput { Event: var e } when e.Generation != state.Generation => Transition.Unchanged(state),
        EngineEventInput { Event: var e } => OnEngineEvent(state, e, context),
        DeadlineReached deadline => OnDeadline(state, deadline, context),
        _ => Transition.Unchanged(state),
    };

    /// <summary>States in which the engine holds a live (or starting) session for the account.</summary>
    public static bool IsActive(AccountStatus status) => status.IsActive();

    private static AccountState Move(AccountState state, AccountStatus status, DateTimeOffset now, string? note) =>
        state with
        {
            Status = status,
            StatusSince = status == state.Status ? state.StatusSince : now,
            Note = note,
            Qr = status == AccountStatus.AwaitingQrScan ? state.Qr : null,
            PairingCode = status == AccountStatus.AwaitingPairingCode ? state.PairingCode : null,
            NextAttemptAt = status == AccountStatus.Reconnecting ? state.NextAttemptAt : null,
        };

    /// <summary>
    /// A new session generation that holds no login yet: the old session's login, failures, pause and ban no longer
    /// apply, and a new start token makes anything still pending for the old one stale.
    /// </summary>
    private static AccountState NewGeneration(AccountState state) => state with
    {
        Generation = state.Generation + 1,
        SessionLinked = false,
        LinkedJid = null,
        ReconnectAttempt = 0,
        FailingSince = null,
        AutoReconnectPaused = false,
        BannedUntil = null,
        StartTimeouts = 0,
        StartToken = state.StartToken + 1,
    };
}
