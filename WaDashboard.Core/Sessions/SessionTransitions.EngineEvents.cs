using System.Collections.Immutable;
using System.Globalization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>What the engine reports and what monitoring observes (drift, zombies): every lost session ends in one decision.</summary>
public static partial class SessionTransitions
{
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
                var withQr = Move(state, AccountStatus.AwaitingQrScan, now, SessionNotes.Say("Note.QrShown", qr.Index, qr.Total)) with
                {
                    Qr = new QrCodeInfo(qr.Value, now, qr.ExpiresAt, qr.Index, qr.Total),
                };
                return new Transition(withQr, []);

            case PairingCodeIssued code when state.Status is AccountStatus.Starting or AccountStatus.AwaitingPairingCode:
                var withCode = Move(state, AccountStatus.AwaitingPairingCode, now, SessionNotes.Say("Note.PairingShown")) with
                {
                    PairingCode = new PairingCodeInfo(code.Code, now, code.ExpiresAt),
                };
                return new Transition(withCode, []);

            case Authenticated when state.Status is AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode:
                return new Transition(Move(state, AccountStatus.Starting, now, SessionNotes.Say("Note.Accepted")) with
                {
                    SessionLinked = true,
                }, []);

            case SessionConnected connected when state.Status is AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode or AccountStatus.Reconnecting:
                return new Transition(Move(state, AccountStatus.Connected, now, SessionNotes.Say("Note.Connected")) with
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
                    ban.Until is { } until ? SessionNotes.Say("Note.BannedUntil", until.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)) : SessionNotes.Say("Note.Banned")) with
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
                    SessionNotes.Say("Note.NoSession")) with
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
        // Drift puts its own sentence before the note; the note stays a sentence of its own inside it.
        string Noted(string note) => driftNote ? SessionNotes.Say("Note.Drift", note) : note;

        if (rawCode == Engines.Waha.WahaRefusal.Code)
        {
            // The gateway refused to hold the session: no QR ever comes; the gateway's words say what to do.
            return new Transition(Move(failed, AccountStatus.Disconnected, now, Noted(SessionNotes.Say("Note.NeedsYou", rawText))) with { AutoReconnectPaused = true }, []);
        }

        if (awaitingLink && state.Status == AccountStatus.Starting && state.Qr is null && state.PairingCode is null
            && reason is not (DisconnectReason.Banned or DisconnectReason.ClientOutdated))
        {
            // Never got as far as a QR code: say what happened instead of "QR expired".
            var what = rawCode == "start-timeout"
                ? SessionNotes.Say("Note.NoCodeTimeout", rawText)
                : SessionNotes.Say("Note.NoCode", rawText);
            return new Transition(Move(failed, AccountStatus.Disconnected, now, Noted(what)), []);
        }

        if (awaitingLink && reason is not (DisconnectReason.Banned or DisconnectReason.ClientOutdated))
        {
            // Never ask for a new QR by ourselves: a person must.
            var expired = SessionNotes.Say(state.Status == AccountStatus.AwaitingPairingCode ? "Note.PairingExpired" : "Note.QrExpired");
            return new Transition(Move(failed, AccountStatus.QrExpired, now, Noted(expired)), []);
        }

        switch (reason)
        {
            case DisconnectReason.LoggedOut:
                return new Transition(Move(failed, AccountStatus.LoggedOut, now, Noted(SessionNotes.Action(reason))) with { SessionLinked = false },
                    [new RaiseAlert("Account logged out.")]);
            case DisconnectReason.Replaced:
                return new Transition(Move(failed, AccountStatus.Replaced, now, Noted(SessionNotes.Action(reason))), [new RaiseAlert("Session replaced by another device.")]);
            case DisconnectReason.Banned:
                return new Transition(Move(failed, AccountStatus.Banned, now, Noted(SessionNotes.Action(reason))), [new RaiseAlert("Account banned.")]);
            case DisconnectReason.SessionCorrupt:
                return new Transition(Move(failed, AccountStatus.SessionCorrupt, now, Noted(SessionNotes.Action(reason))) with { SessionLinked = false }, []);
        }

        if (!info.AutoReconnect)
        {
            return new Transition(Move(failed, AccountStatus.Disconnected, now, Noted(SessionNotes.Say("Note.NeedsYou", SessionNotes.Action(reason)))), []);
        }

        if (!state.SessionLinked)
        {
            return new Transition(Move(failed, AccountStatus.Disconnected, now, Noted(SessionNotes.Say("Note.NoSavedLogin"))), []);
        }

        if (recent.Length > options.LoopMaxDisconnects)
        {
            var message = SessionNotes.Say("Note.LoopBreaker", recent.Length, SessionNotes.Number(options.LoopWindow.TotalMinutes, "0"));
            return new Transition(Move(failed, AccountStatus.Disconnected, now, Noted(message)) with { AutoReconnectPaused = true },
                [new RaiseAlert(message)]);
        }

        var failingSince = state.FailingSince ?? now;
        if (now - failingSince >= options.Budget)
        {
            var message = SessionNotes.Say("Note.GaveUpBudget", SessionNotes.Number((now - failingSince).TotalHours));
            return new Transition(Move(failed, AccountStatus.GaveUp, now, Noted(message)) with { FailingSince = failingSince },
                [new RaiseAlert(message)]);
        }

        if (reason == DisconnectReason.Unknown && state.ReconnectAttempt >= options.UnknownMaxAttempts)
        {
            var message = SessionNotes.Say("Note.GaveUpUnknown", state.ReconnectAttempt, rawCode, rawText);
            return new Transition(Move(failed, AccountStatus.GaveUp, now, Noted(message)) with { FailingSince = failingSince },
                [new RaiseAlert(message)]);
        }

        var delay = ReconnectBackoff.Delay(state.ReconnectAttempt, context.JitterSample, reason, options);
        var attempt = state.ReconnectAttempt + 1;
        if (delay <= TimeSpan.Zero)
        {
            var restarted = Move(failed, AccountStatus.Starting, now, Noted(SessionNotes.Say("Note.RestartAtOnce", SessionNotes.Title(reason)))) with
            {
                ReconnectAttempt = reason == DisconnectReason.RestartRequired ? state.ReconnectAttempt : attempt,
                FailingSince = reason == DisconnectReason.RestartRequired ? state.FailingSince : failingSince,
                StartToken = state.StartToken + 1,
            };
            return new Transition(restarted, [new StartEngine(restarted.Generation, LinkMode.None, restarted.StartToken)]);
        }

        var nextAt = now + delay;
        var waiting = Move(failed, AccountStatus.Reconnecting, now,
            Noted(SessionNotes.Say("Note.ReconnectIn", SessionNotes.Title(reason), attempt, SessionNotes.Number(delay.TotalSeconds)))) with
        {
            ReconnectAttempt = attempt,
            FailingSince = failingSince,
            NextAttemptAt = nextAt,
        };
        waiting = waiting with { NextAttemptAt = nextAt };
        return new Transition(waiting, [new ScheduleDeadline(DeadlineKind.ReconnectDue, nextAt, waiting.StartToken)]);
    }
}
