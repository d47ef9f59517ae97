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
public static class SessionTransitions
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

    private static Transition Drift(AccountState state, DriftDetected drift, TransitionContext context)
    {
        if (state.Status is not (AccountStatus.Connected or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode)
            || drift.Token != state.StartToken)
        {
            return Transition.Unchanged(state);
        }

        // The engine has no session although we think one is live: treat it as a lost connection
        // (a linked session reconnects with backoff; a pending QR expires and waits for a person).
        return Disconnect(state, "engine-lost-session", drift.Detail, context, driftNote: true);
    }

    private static Transition Zombie(AccountState state, ZombieDetected zombie, TransitionContext context)
    {
        if (state.Status != AccountStatus.Connected || zombie.Token != state.StartToken)
        {
            return Transition.Unchanged(state);
        }

        // Close the dead connection first, then the usual decision (a keep-alive failure reconnects with the saved session).
        var result = Disconnect(state, "KeepAliveTimeout", "Liveness probe failed: the session says connected but does not answer (zombie)", context, driftNote: false);
        return result with { Effects = [new StopEngine(), new RaiseAlert("Zombie session: connected but not answering; restarting it."), .. result.Effects] };
    }

    private static Transition OnEngineEvent(AccountState state, EngineEvent engineEvent, TransitionContext context)
    {
        var now = context.Now;
        switch (engineEvent)
        {
            case QrIssued qr when state.Status is AccountStatus.Starting or AccountStatus.AwaitingQrScan:
                var withQr = Move(state, AccountStatus.AwaitingQrScan, now, $"QR code {qr.Index} of {qr.Total} shown; waiting for the phone to scan it.") with
                {
                    Qr = new QrCodeInfo(qr.Value, now, qr.ExpiresAt, qr.Index, qr.Total),
                };
                return new Transition(withQr, []);

            case PairingCodeIssued code when state.Status is AccountStatus.Starting or AccountStatus.AwaitingPairingCode:
                var withCode = Move(state, AccountStatus.AwaitingPairingCode, now, "Pairing code shown; enter it on the phone under Linked devices.") with
                {
                    PairingCode = new PairingCodeInfo(code.Code, now, code.ExpiresAt),
                };
                return new Transition(withCode, []);

            case Authenticated when state.Status is AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode:
                return new Transition(Move(state, AccountStatus.Starting, now, "The phone accepted the link; finishing the connection.") with
                {
                    SessionLinked = true,
                }, []);

            case SessionConnected connected when state.Status is AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode or AccountStatus.Reconnecting:
                return new Transition(Move(state, AccountStatus.Connected, now, "Connected.") with
                {
                    SessionLinked = true,
                    LinkedJid = connected.Jid,
                    PushName = connected.PushName is { } pushName ? DisplayText.Neutralise(pushName) : null,
                    ReconnectAttempt = 0,
                    FailingSince = null,
                    AutoReconnectPaused = false,
                    BannedUntil = null,
                    StartTimeouts = 0,
                }, []);

            case SessionDisconnected disconnected when IsActive(state.Status):
                return Disconnect(state, disconnected.RawCode, disconnected.RawText, context, driftNote: false);

            case KeepAliveTimedOut when state.Status == AccountStatus.Connected:
                var afterKeepAlive = Disconnect(state, "KeepAliveTimeout", "Keep-alive pings timed out", context, driftNote: false);
                return afterKeepAlive with { Effects = [new StopEngine(), .. afterKeepAlive.Effects] };

            case TemporaryBanned ban:
                var banned = Move(state, AccountStatus.Banned, now,
                    ban.Until is { } until ? $"Temporarily banned until {until:yyyy-MM-dd HH:mm} UTC." : "Banned by WhatsApp.") with
                {
                    Reason = DisconnectReason.Banned,
                    RawCode = ban.Code,
                    RawText = ban.Until is { } u ? $"TemporaryBan until {u:O}" : "TemporaryBan",
                    BannedUntil = ban.Until,
                    RecentDisconnects = RememberDisconnect(state.RecentDisconnects, now, context.Options),
                };
                return new Transition(banned, IsActive(state.Status) ? [new StopEngine(), new RaiseAlert("Account banned.")] : [new RaiseAlert("Account banned.")],
                    Observed: new DisconnectObservation(DisconnectReason.Banned, banned.RawCode, banned.RawText));

            case NoValidSession missing when state.Status == AccountStatus.Starting:
                return new Transition(Move(state, AccountStatus.SessionCorrupt, now,
                    "No usable login in the session folder. Relink with a fresh QR code.") with
                {
                    SessionLinked = false,
                    Reason = DisconnectReason.SessionCorrupt,
                    RawCode = "no-session",
                    RawText = missing.Detail,
                }, [], Observed: new DisconnectObservation(DisconnectReason.SessionCorrupt, "no-session", missing.Detail));

            default:
                return Transition.Unchanged(state);
        }
    }

    private static Transition OnDeadline(AccountState state, DeadlineReached deadline, TransitionContext context)
    {
        switch (deadline.Kind)
        {
            case DeadlineKind.ReconnectDue when state.Status == AccountStatus.Reconnecting
                                                && state.NextAttemptAt is { } due && due <= context.Now
                                                && deadline.Token == state.StartToken:
                var next = Move(state, AccountStatus.Starting, context.Now,
                    $"Automatic reconnect attempt {state.ReconnectAttempt} with the saved session (no QR).") with
                {
                    StartToken = state.StartToken + 1,
                };
                return new Transition(next, [new StartEngine(next.Generation, LinkMode.None, next.StartToken)]);

            case DeadlineKind.StartTimeout when state.Status is AccountStatus.Starting && deadline.Token == state.StartToken:
                var text = $"The session did not connect within {context.Options.StartTimeout.TotalSeconds:0} s";
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
                        $"The session did not start within {context.Options.StartTimeout.TotalSeconds:0} s, {timeouts} times in a row; checking its folder before trying again.") with
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

    private static ImmutableArray<DateTimeOffset> RememberDisconnect(ImmutableArray<DateTimeOffset> recent, DateTimeOffset now, ReconnectOptions options)
    {
        var cutoff = now - options.LoopWindow;
        var builder = ImmutableArray.CreateBuilder<DateTimeOffset>(recent.Length + 1);
        foreach (var at in recent)
        {
            if (at > cutoff)
            {
                builder.Add(at);
            }
        }

        builder.Add(now);
        return builder.ToImmutable();
    }

    /// <summary>A live or starting session ended: classify, then decide between an automatic retry and a person.</summary>
    private static Transition Disconnect(AccountState state, string? rawCode, string? rawText, TransitionContext context, bool driftNote)
    {
        var reason = rawCode == "start-timeout" ? DisconnectReason.Timeout : DisconnectClassifier.Classify(rawCode, rawText);
        return Decide(state, reason, rawCode, rawText, context, driftNote) with { Observed = new DisconnectObservation(reason, rawCode, rawText) };
    }

    private static Transition Decide(AccountState state, DisconnectReason reason, string? rawCode, string? rawText, TransitionContext context, bool driftNote)
    {
        var now = context.Now;
        var options = context.Options;
        var awaitingLink = state.Status is AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode
                           || (state.Status == AccountStatus.Starting && !state.SessionLinked);
        var info = ReasonCatalog.Get(reason);
        var recent = RememberDisconnect(state.RecentDisconnects, now, options);
        // A restart request is routine (it follows every pairing), not an error: it does not become the last error,
        // but it still counts for the loop breaker so an engine looping on 515 is caught.
        var failed = reason == DisconnectReason.RestartRequired
            ? state with { RecentDisconnects = recent }
            : state with { Reason = reason, RawCode = rawCode, RawText = rawText, RecentDisconnects = recent };
        var prefix = driftNote ? "Drift: the engine no longer has this session. " : string.Empty;

        if (rawCode == Engines.Waha.WahaRefusal.Code)
        {
            // The gateway refused to hold the session: no QR ever comes; the gateway's words say what to do.
            return new Transition(Move(failed, AccountStatus.Disconnected, now, prefix + "Needs you: " + rawText) with { AutoReconnectPaused = true }, []);
        }

        if (awaitingLink && state.Status == AccountStatus.Starting && state.Qr is null && state.PairingCode is null
            && reason is not (DisconnectReason.Banned or DisconnectReason.ClientOutdated))
        {
            // Never got as far as a QR code: say what happened instead of "QR expired".
            var what = rawCode == "start-timeout"
                ? $"{rawText}: no QR code or pairing code ever came. The gateway may not reach WhatsApp (network, DNS, proxy) or may be overloaded."
                : $"No QR code or pairing code ever came: {rawText}";
            return new Transition(Move(failed, AccountStatus.Disconnected, now, prefix + what + " Check the gateway, then link again."), []);
        }

        if (awaitingLink && reason is not (DisconnectReason.Banned or DisconnectReason.ClientOutdated))
        {
            // Never ask for a new QR by ourselves: a person must.
            var what = state.Status == AccountStatus.AwaitingPairingCode ? "The pairing code" : "The QR code";
            return new Transition(Move(failed, AccountStatus.QrExpired, now,
                prefix + $"{what} expired before the phone linked. Ask for a new one when the phone is at hand."), []);
        }

        switch (reason)
        {
            case DisconnectReason.LoggedOut:
                return new Transition(Move(failed, AccountStatus.LoggedOut, now, prefix + info.OperatorAction) with { SessionLinked = false },
                    [new RaiseAlert("Account logged out.")]);
            case DisconnectReason.Replaced:
                return new Transition(Move(failed, AccountStatus.Replaced, now, prefix + info.OperatorAction), [new RaiseAlert("Session replaced by another device.")]);
            case DisconnectReason.Banned:
                return new Transition(Move(failed, AccountStatus.Banned, now, prefix + info.OperatorAction), [new RaiseAlert("Account banned.")]);
            case DisconnectReason.SessionCorrupt:
                return new Transition(Move(failed, AccountStatus.SessionCorrupt, now, prefix + info.OperatorAction) with { SessionLinked = false }, []);
        }

        if (!info.AutoReconnect)
        {
            return new Transition(Move(failed, AccountStatus.Disconnected, now, prefix + "Needs you: " + info.OperatorAction), []);
        }

        if (!state.SessionLinked)
        {
            return new Transition(Move(failed, AccountStatus.Disconnected, now, prefix + "No saved login to reconnect with: relink with a QR code."), []);
        }

        if (recent.Length > options.LoopMaxDisconnects)
        {
            var message = $"Loop breaker: {recent.Length} disconnects within {options.LoopWindow.TotalMinutes:0} min; automatic reconnect paused. Check the account, then click Reconnect.";
            return new Transition(Move(failed, AccountStatus.Disconnected, now, prefix + message) with { AutoReconnectPaused = true },
                [new RaiseAlert(message)]);
        }

        var failingSince = state.FailingSince ?? now;
        if (now - failingSince >= options.Budget)
        {
            var message = $"Gave up: still failing after {(now - failingSince).TotalHours:0.#} h of retries. Click Reconnect to try again.";
            return new Transition(Move(failed, AccountStatus.GaveUp, now, prefix + message) with { FailingSince = failingSince },
                [new RaiseAlert(message)]);
        }

        if (reason == DisconnectReason.Unknown && state.ReconnectAttempt >= options.UnknownMaxAttempts)
        {
            var message = $"Gave up after {state.ReconnectAttempt} attempts on an unrecognised disconnect ({rawCode} {rawText}).";
            return new Transition(Move(failed, AccountStatus.GaveUp, now, prefix + message) with { FailingSince = failingSince },
                [new RaiseAlert(message)]);
        }

        var delay = ReconnectBackoff.Delay(state.ReconnectAttempt, context.JitterSample, reason, options);
        var attempt = state.ReconnectAttempt + 1;
        if (delay <= TimeSpan.Zero)
        {
            var restarted = Move(failed, AccountStatus.Starting, now, prefix + $"{info.Title}: restarting at once with the saved session.") with
            {
                ReconnectAttempt = reason == DisconnectReason.RestartRequired ? state.ReconnectAttempt : attempt,
                FailingSince = reason == DisconnectReason.RestartRequired ? state.FailingSince : failingSince,
                StartToken = state.StartToken + 1,
            };
            return new Transition(restarted, [new StartEngine(restarted.Generation, LinkMode.None, restarted.StartToken)]);
        }

        var nextAt = now + delay;
        var waiting = Move(failed, AccountStatus.Reconnecting, now,
            prefix + $"{info.Title}: automatic reconnect attempt {attempt} in {delay.TotalSeconds:0.#} s (no QR needed).") with
        {
            ReconnectAttempt = attempt,
            FailingSince = failingSince,
            NextAttemptAt = nextAt,
        };
        waiting = waiting with { NextAttemptAt = nextAt };
        return new Transition(waiting, [new ScheduleDeadline(DeadlineKind.ReconnectDue, nextAt, waiting.StartToken)]);
    }
}
