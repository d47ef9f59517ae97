using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Unit;

/// <summary>The pure transition function, state × input, table-driven.</summary>
public class SessionTransitionsTests
{
    private static readonly DateTimeOffset T0 = TransitionTable.T0;
    private static readonly ReconnectOptions Options = TransitionTable.Options;

    private static AccountState State(AccountStatus status, bool linked = false, int generation = 1) => TransitionTable.Account(status, linked, generation);

    private static Transition Apply(AccountState state, SupervisorInput input, double jitter = 0.5, DateTimeOffset? now = null) =>
        TransitionTable.Apply(state, input, jitter, now);

    private static EngineEventInput Engine(EngineEvent e) => new(e);

    private static SessionDisconnected Drop(string code, string text = "x", int generation = 1) => new("0123456789abcdef", generation, code, text);

    public static TheoryData<AccountStatus, bool, string, AccountStatus, DisconnectReason?> DisconnectTable() => new()
    {
        // state, linked, raw code → next state, normalized reason
        { AccountStatus.Connected, true, "428", AccountStatus.Reconnecting, DisconnectReason.ConnectionLost },
        { AccountStatus.Connected, true, "408", AccountStatus.Reconnecting, DisconnectReason.Timeout },
        { AccountStatus.Connected, true, "503", AccountStatus.Reconnecting, DisconnectReason.ServiceUnavailable },
        { AccountStatus.Connected, true, "KeepAliveTimeout", AccountStatus.Reconnecting, DisconnectReason.KeepAliveTimeout },
        { AccountStatus.Connected, true, "ECONNREFUSED", AccountStatus.Reconnecting, DisconnectReason.ConnectionLost },
        { AccountStatus.Connected, true, "999", AccountStatus.Reconnecting, DisconnectReason.Unknown },
        { AccountStatus.Connected, true, "515", AccountStatus.Starting, DisconnectReason.RestartRequired },
        { AccountStatus.Connected, true, "401", AccountStatus.LoggedOut, DisconnectReason.LoggedOut },
        { AccountStatus.Connected, true, "440", AccountStatus.Replaced, DisconnectReason.Replaced },
        { AccountStatus.Connected, true, "403", AccountStatus.Banned, DisconnectReason.Banned },
        { AccountStatus.Connected, true, "500", AccountStatus.SessionCorrupt, DisconnectReason.SessionCorrupt },
        { AccountStatus.Connected, true, "405", AccountStatus.Disconnected, DisconnectReason.ClientOutdated },
        { AccountStatus.Starting, true, "428", AccountStatus.Reconnecting, DisconnectReason.ConnectionLost },
        { AccountStatus.Starting, true, "401", AccountStatus.LoggedOut, DisconnectReason.LoggedOut },
        // While a person is linking, no disconnect ever leads to a new QR by itself.
        { AccountStatus.AwaitingQrScan, false, "408", AccountStatus.QrExpired, DisconnectReason.Timeout },
        { AccountStatus.AwaitingQrScan, false, "428", AccountStatus.QrExpired, DisconnectReason.ConnectionLost },
        { AccountStatus.AwaitingPairingCode, false, "408", AccountStatus.QrExpired, DisconnectReason.Timeout },
        { AccountStatus.AwaitingQrScan, false, "403", AccountStatus.Banned, DisconnectReason.Banned },
        { AccountStatus.Starting, false, "428", AccountStatus.Disconnected, DisconnectReason.ConnectionLost }, // no code was ever shown
    };

    [Theory]
    [MemberData(nameof(DisconnectTable))]
    public void A_disconnect_moves_to_the_state_its_reason_allows(AccountStatus from, bool linked, string code, AccountStatus expected, DisconnectReason? reason)
    {
        var result = Apply(State(from, linked), Engine(Drop(code, "raw text")));

        Assert.Equal(expected, result.State.Status);
        Assert.Equal(new DisconnectObservation(reason!.Value, code, "raw text"), result.Observed);
        if (reason == DisconnectReason.RestartRequired)
        {
            // Routine after pairing: timeline material, not the account's last error.
            Assert.Null(result.State.Reason);
            Assert.Null(result.State.RawCode);
        }
        else
        {
            Assert.Equal(reason, result.State.Reason);
            Assert.Equal(code, result.State.RawCode);
            Assert.Equal("raw text", result.State.RawText);
        }
        var autoRetry = expected is AccountStatus.Reconnecting or AccountStatus.Starting;
        Assert.Equal(autoRetry, result.Effects.Any(e => e is ScheduleDeadline or StartEngine));
        // A failure never deletes a session folder, and never asks for a QR.
        Assert.DoesNotContain(result.Effects, e => e is DeleteGenerationFolder);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine { Link: not LinkMode.None });
    }

    [Theory]
    [InlineData(AccountStatus.Connected, true)]
    [InlineData(AccountStatus.Starting, true)]
    [InlineData(AccountStatus.AwaitingQrScan, false)]
    [InlineData(AccountStatus.Reconnecting, true)]
    [InlineData(AccountStatus.LoggedOut, false)]
    public void Events_of_another_generation_change_nothing(AccountStatus status, bool linked)
    {
        var state = State(status, linked, generation: 3);
        var stale = new EngineEvent[]
        {
            Drop("401", generation: 2),
            new SessionConnected(state.Id, 2, "1@s.whatsapp.net", null),
            new QrIssued(state.Id, 2, "qr", T0.AddSeconds(60), 1, 6),
            new TemporaryBanned(state.Id, 4, "101", null),
        };

        foreach (var e in stale)
        {
            var result = Apply(state, Engine(e));
            Assert.Same(state, result.State);
            Assert.Empty(result.Effects);
        }
    }

    public static TheoryData<AccountStatus, bool, CommandOutcome, AccountStatus, LinkMode?> ReconnectTable() => new()
    {
        // state, session linked → outcome, next state, how the engine is started (null: not started)
        { AccountStatus.Connected, true, CommandOutcome.AlreadyConnected, AccountStatus.Connected, null },
        { AccountStatus.Starting, true, CommandOutcome.InProgress, AccountStatus.Starting, null },
        { AccountStatus.AwaitingQrScan, false, CommandOutcome.InProgress, AccountStatus.AwaitingQrScan, null },
        { AccountStatus.Reconnecting, true, CommandOutcome.Started, AccountStatus.Starting, LinkMode.None },
        { AccountStatus.Disconnected, true, CommandOutcome.Started, AccountStatus.Starting, LinkMode.None },
        { AccountStatus.GaveUp, true, CommandOutcome.Started, AccountStatus.Starting, LinkMode.None },
        { AccountStatus.Stopped, true, CommandOutcome.Started, AccountStatus.Starting, LinkMode.None },
        { AccountStatus.Replaced, true, CommandOutcome.Started, AccountStatus.Starting, LinkMode.None },
        { AccountStatus.LoggedOut, false, CommandOutcome.Started, AccountStatus.Starting, LinkMode.Qr },
        { AccountStatus.SessionCorrupt, false, CommandOutcome.Started, AccountStatus.Starting, LinkMode.Qr },
        { AccountStatus.QrExpired, false, CommandOutcome.Started, AccountStatus.Starting, LinkMode.Qr },
        { AccountStatus.New, false, CommandOutcome.Started, AccountStatus.Starting, LinkMode.Qr },
        { AccountStatus.Disconnected, false, CommandOutcome.Started, AccountStatus.Starting, LinkMode.Qr },
    };

    [Theory]
    [MemberData(nameof(ReconnectTable))]
    public void Click_to_reconnect_restarts_a_valid_session_and_relinks_only_without_one(
        AccountStatus from, bool linked, CommandOutcome outcome, AccountStatus expected, LinkMode? started)
    {
        var state = State(from, linked);
        var result = Apply(state, new ReconnectCommand());

        Assert.Equal(outcome, result.Result!.Outcome);
        Assert.Equal(expected, result.State.Status);
        var start = result.Effects.OfType<StartEngine>().SingleOrDefault();
        Assert.Equal(started, start?.Link);
        if (started == LinkMode.Qr)
        {
            Assert.Equal(state.Generation + 1, result.State.Generation); // a relink is a new session generation
            Assert.Equal(result.State.Generation, start!.Generation);
        }
        else if (started == LinkMode.None)
        {
            Assert.Equal(state.Generation, result.State.Generation);
        }

        Assert.DoesNotContain(result.Effects, e => e is DeleteGenerationFolder);
    }

    [Fact]
    public void Forced_reconnect_of_a_connected_account_stops_and_restarts_the_saved_session()
    {
        var result = Apply(State(AccountStatus.Connected, linked: true), new ReconnectCommand(Force: true));

        Assert.Equal(AccountStatus.Starting, result.State.Status);
        Assert.IsType<StopEngine>(result.Effects[0]);
        Assert.Equal(LinkMode.None, Assert.IsType<StartEngine>(result.Effects[1]).Link);
    }

    [Fact]
    public void Reconnect_is_refused_during_a_ban_unless_forced()
    {
        var banned = State(AccountStatus.Banned, linked: true) with { BannedUntil = T0.AddHours(2) };

        var refused = Apply(banned, new ReconnectCommand());
        Assert.Equal(CommandOutcome.Refused, refused.Result!.Outcome);
        Assert.Contains("banned until", refused.Result.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(refused.Effects);

        var afterExpiry = Apply(banned, new ReconnectCommand(), now: T0.AddHours(3));
        Assert.Equal(AccountStatus.Starting, afterExpiry.State.Status);

        var forced = Apply(banned, new ReconnectCommand(Force: true));
        Assert.Equal(AccountStatus.Starting, forced.State.Status);
    }

    [Fact]
    public void Repeated_reconnect_clicks_coalesce_into_one_start()
    {
        var first = Apply(State(AccountStatus.Disconnected, linked: true), new ReconnectCommand());
        var second = Apply(first.State, new ReconnectCommand());

        Assert.Single(first.Effects.OfType<StartEngine>());
        Assert.Equal(CommandOutcome.InProgress, second.Result!.Outcome);
        Assert.Empty(second.Effects);
        Assert.Same(first.State, second.State);
    }

    [Fact]
    public void Repeated_link_clicks_coalesce_and_a_connected_account_is_not_relinked()
    {
        var first = Apply(State(AccountStatus.New, generation: 0), new LinkCommand(LinkMode.Qr));
        var second = Apply(first.State, new LinkCommand(LinkMode.Qr));
        Assert.Equal(CommandOutcome.InProgress, second.Result!.Outcome);
        Assert.Empty(second.Effects);

        var connected = Apply(State(AccountStatus.Connected, linked: true), new LinkCommand(LinkMode.Qr));
        Assert.Equal(CommandOutcome.AlreadyConnected, connected.Result!.Outcome);
        Assert.Empty(connected.Effects);
    }

    [Fact]
    public void Switching_from_qr_to_pairing_code_stops_the_qr_session_and_starts_a_new_generation()
    {
        var awaiting = State(AccountStatus.AwaitingQrScan, generation: 2) with { Qr = new QrCodeInfo("qr", T0, T0.AddSeconds(60), 1, 6) };
        var result = Apply(awaiting, new LinkCommand(LinkMode.PairingCode));

        Assert.IsType<StopEngine>(result.Effects[0]);
        var start = Assert.IsType<StartEngine>(result.Effects[1]);
        Assert.Equal(LinkMode.PairingCode, start.Link);
        Assert.Equal(3, result.State.Generation);
        Assert.Null(result.State.Qr);
    }

    [Fact]
    public void Explicit_logout_unlinks_and_deletes_only_the_current_generation_folder()
    {
        var result = Apply(State(AccountStatus.Connected, linked: true, generation: 4), new LogoutCommand());

        Assert.Equal(AccountStatus.LoggedOut, result.State.Status);
        Assert.False(result.State.SessionLinked);
        Assert.Contains(result.Effects, e => e is LogoutEngine);
        Assert.Equal(4, Assert.Single(result.Effects.OfType<DeleteGenerationFolder>()).Generation);
    }

    [Fact]
    public void Stop_keeps_the_session_and_reconnect_after_stop_needs_no_qr()
    {
        var stopped = Apply(State(AccountStatus.Connected, linked: true), new StopCommand());
        Assert.Equal(AccountStatus.Stopped, stopped.State.Status);
        Assert.True(stopped.State.SessionLinked);
        Assert.Contains(stopped.Effects, e => e is StopEngine);

        var restarted = Apply(stopped.State, new ReconnectCommand());
        Assert.Equal(LinkMode.None, Assert.Single(restarted.Effects.OfType<StartEngine>()).Link);
    }

    public static TheoryData<AccountStatus, bool, AccountStatus, bool> RestoreTable() => new()
    {
        // stored state, linked → state after restart, engine started (always without a QR)
        { AccountStatus.Connected, true, AccountStatus.Starting, true },
        { AccountStatus.Reconnecting, true, AccountStatus.Starting, true },
        { AccountStatus.Starting, true, AccountStatus.Starting, true },
        { AccountStatus.AwaitingQrScan, false, AccountStatus.QrExpired, false },
        { AccountStatus.AwaitingPairingCode, false, AccountStatus.QrExpired, false },
        { AccountStatus.Starting, false, AccountStatus.QrExpired, false },
        { AccountStatus.New, false, AccountStatus.New, false },
        { AccountStatus.LoggedOut, false, AccountStatus.LoggedOut, false },
        { AccountStatus.Replaced, true, AccountStatus.Replaced, false },
        { AccountStatus.Banned, true, AccountStatus.Banned, false },
        { AccountStatus.SessionCorrupt, false, AccountStatus.SessionCorrupt, false },
        { AccountStatus.GaveUp, true, AccountStatus.GaveUp, false },
        { AccountStatus.Stopped, true, AccountStatus.Stopped, false },
    };

    [Theory]
    [MemberData(nameof(RestoreTable))]
    public void After_a_restart_linked_sessions_come_back_without_a_qr_and_nothing_else_starts(
        AccountStatus from, bool linked, AccountStatus expected, bool started)
    {
        var result = Apply(State(from, linked), new RestoreCommand());

        Assert.Equal(expected, result.State.Status);
        var start = result.Effects.OfType<StartEngine>().SingleOrDefault();
        Assert.Equal(started, start is not null);
        Assert.True(start is null || start.Link == LinkMode.None);
    }

    [Fact]
    public void Linking_walks_qr_then_authenticated_then_restart_then_connected()
    {
        var state = State(AccountStatus.New, generation: 0);
        state = Apply(state, new LinkCommand(LinkMode.Qr)).State;
        Assert.Equal(1, state.Generation);

        state = Apply(state, Engine(new QrIssued(state.Id, 1, "ref-1", T0.AddSeconds(60), 1, 6))).State;
        Assert.Equal(AccountStatus.AwaitingQrScan, state.Status);
        Assert.Equal("ref-1", state.Qr!.Value);

        state = Apply(state, Engine(new QrIssued(state.Id, 1, "ref-2", T0.AddSeconds(80), 2, 6))).State;
        Assert.Equal(2, state.Qr!.Index);

        state = Apply(state, Engine(new Authenticated(state.Id, 1))).State;
        Assert.True(state.SessionLinked);
        Assert.Null(state.Qr);

        var restart = Apply(state, Engine(Drop("515")));
        Assert.Equal(AccountStatus.Starting, restart.State.Status);
        Assert.Equal(LinkMode.None, Assert.Single(restart.Effects.OfType<StartEngine>()).Link);

        var connected = Apply(restart.State, Engine(new SessionConnected(state.Id, 1, "972501234567@s.whatsapp.net", "Phone"))).State;
        Assert.Equal(AccountStatus.Connected, connected.Status);
        Assert.Equal(0, connected.ReconnectAttempt);
        Assert.Null(connected.FailingSince);
    }

    [Fact]
    public void A_pairing_code_is_shown_and_expires_into_qr_expired()
    {
        var state = Apply(State(AccountStatus.New, generation: 0), new LinkCommand(LinkMode.PairingCode)).State;
        state = Apply(state, Engine(new PairingCodeIssued(state.Id, 1, "ABCD1234", T0.AddMinutes(3)))).State;
        Assert.Equal(AccountStatus.AwaitingPairingCode, state.Status);
        Assert.Equal("ABCD-1234", state.PairingCode!.Display);

        var expired = Apply(state, Engine(Drop("408", "Pairing code expired"))).State;
        Assert.Equal(AccountStatus.QrExpired, expired.Status);
        Assert.Null(expired.PairingCode);
    }

    [Fact]
    public void The_reconnect_deadline_starts_the_saved_session_only_when_it_is_still_due_and_current()
    {
        var reconnecting = Apply(State(AccountStatus.Connected, linked: true), Engine(Drop("428"))).State;
        var schedule = reconnecting.NextAttemptAt!.Value;

        var early = Apply(reconnecting, new DeadlineReached(DeadlineKind.ReconnectDue, reconnecting.StartToken), now: schedule.AddMilliseconds(-1));
        Assert.Same(reconnecting, early.State);

        var stale = Apply(reconnecting, new DeadlineReached(DeadlineKind.ReconnectDue, reconnecting.StartToken - 1), now: schedule);
        Assert.Same(reconnecting, stale.State);

        var due = Apply(reconnecting, new DeadlineReached(DeadlineKind.ReconnectDue, reconnecting.StartToken), now: schedule);
        Assert.Equal(AccountStatus.Starting, due.State.Status);
        Assert.Equal(LinkMode.None, Assert.Single(due.Effects.OfType<StartEngine>()).Link);
    }

    [Fact]
    public void A_start_that_times_out_is_stopped_and_retried_with_backoff()
    {
        var starting = State(AccountStatus.Starting, linked: true);
        var result = Apply(starting, new DeadlineReached(DeadlineKind.StartTimeout, starting.StartToken));

        Assert.Equal(AccountStatus.Reconnecting, result.State.Status);
        Assert.Equal(DisconnectReason.Timeout, result.State.Reason);
        Assert.IsType<StopEngine>(result.Effects[0]);

        var lateTimeout = Apply(starting with { StartToken = 8 }, new DeadlineReached(DeadlineKind.StartTimeout, 7));
        Assert.Equal(AccountStatus.Starting, lateTimeout.State.Status);
    }

    [Fact]
    public void The_loop_breaker_pauses_auto_reconnect_after_too_many_disconnects_in_the_window()
    {
        var state = State(AccountStatus.Connected, linked: true);
        var now = T0;
        for (var i = 1; i <= Options.LoopMaxDisconnects; i++)
        {
            var dropped = Apply(state with { Status = AccountStatus.Connected }, Engine(Drop("428")), now: now);
            Assert.Equal(AccountStatus.Reconnecting, dropped.State.Status);
            state = dropped.State;
            now = now.AddMinutes(1);
        }

        var tripped = Apply(state with { Status = AccountStatus.Connected }, Engine(Drop("428")), now: now);
        Assert.Equal(AccountStatus.Disconnected, tripped.State.Status);
        Assert.True(tripped.State.AutoReconnectPaused);
        Assert.Contains(tripped.Effects, e => e is RaiseAlert);
        Assert.DoesNotContain(tripped.Effects, e => e is ScheduleDeadline or StartEngine);

        // Disconnects older than the window are forgotten.
        var later = Apply(state with { Status = AccountStatus.Connected }, Engine(Drop("428")), now: now.Add(Options.LoopWindow).AddMinutes(5));
        Assert.Equal(AccountStatus.Reconnecting, later.State.Status);
    }

    [Fact]
    public void After_the_budget_the_account_gives_up()
    {
        var failing = State(AccountStatus.Starting, linked: true) with { FailingSince = T0 - Options.Budget, ReconnectAttempt = 300 };
        var result = Apply(failing, Engine(Drop("428")));

        Assert.Equal(AccountStatus.GaveUp, result.State.Status);
        Assert.Contains(result.Effects, e => e is RaiseAlert);
        Assert.DoesNotContain(result.Effects, e => e is ScheduleDeadline or StartEngine);
    }

    [Fact]
    public void Unknown_disconnects_are_retried_a_limited_number_of_times()
    {
        var tried = State(AccountStatus.Starting, linked: true) with { ReconnectAttempt = Options.UnknownMaxAttempts, FailingSince = T0 };
        Assert.Equal(AccountStatus.GaveUp, Apply(tried, Engine(Drop("999"))).State.Status);

        var fewer = tried with { ReconnectAttempt = Options.UnknownMaxAttempts - 1 };
        Assert.Equal(AccountStatus.Reconnecting, Apply(fewer, Engine(Drop("999"))).State.Status);
    }

    [Fact]
    public void A_temporary_ban_records_its_expiry_and_stops_the_session()
    {
        var until = T0.AddHours(24);
        var result = Apply(State(AccountStatus.Connected, linked: true), Engine(new TemporaryBanned("0123456789abcdef", 1, "101", until)));

        Assert.Equal(AccountStatus.Banned, result.State.Status);
        Assert.Equal(until, result.State.BannedUntil);
        Assert.Contains(result.Effects, e => e is StopEngine);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine or ScheduleDeadline);
    }

    [Fact]
    public void A_restore_start_without_a_usable_login_asks_a_person_instead_of_showing_a_qr()
    {
        var result = Apply(State(AccountStatus.Starting, linked: true), Engine(new NoValidSession("0123456789abcdef", 1, "creds.json not found")));

        Assert.Equal(AccountStatus.SessionCorrupt, result.State.Status);
        Assert.False(result.State.SessionLinked);
        Assert.Empty(result.Effects);
    }

    [Fact]
    public void Drift_turns_a_session_the_engine_lost_into_a_retry_with_a_note()
    {
        var connected = State(AccountStatus.Connected, linked: true);
        var result = Apply(connected, new DriftDetected("engine has no session", connected.StartToken));

        Assert.Equal(AccountStatus.Reconnecting, result.State.Status);
        Assert.Equal(DisconnectReason.ConnectionLost, result.State.Reason);
        Assert.StartsWith("Drift", result.State.Note);

        // An observation made for an older start, or for an account no longer live, changes nothing.
        Assert.Same(connected, Apply(connected, new DriftDetected("x", connected.StartToken - 1)).State);
        var idle = State(AccountStatus.LoggedOut);
        Assert.Same(idle, Apply(idle, new DriftDetected("x", idle.StartToken)).State);
        var reconnecting = result.State;
        Assert.Same(reconnecting, Apply(reconnecting, new DriftDetected("x", reconnecting.StartToken)).State);

        // A pending QR the engine lost expires and waits for a person instead of asking for a new one.
        var awaiting = State(AccountStatus.AwaitingQrScan) with { Qr = new QrCodeInfo("q", T0, T0.AddMinutes(1), 1, 6) };
        var expired = Apply(awaiting, new DriftDetected("lost", awaiting.StartToken));
        Assert.Equal(AccountStatus.QrExpired, expired.State.Status);
        Assert.Empty(expired.Effects);
    }

    [Fact]
    public void A_keep_alive_timeout_closes_the_connection_and_reconnects()
    {
        var result = Apply(State(AccountStatus.Connected, linked: true), Engine(new KeepAliveTimedOut("0123456789abcdef", 1)));

        Assert.Equal(AccountStatus.Reconnecting, result.State.Status);
        Assert.Equal(DisconnectReason.KeepAliveTimeout, result.State.Reason);
        Assert.IsType<StopEngine>(result.Effects[0]);
    }

    [Fact]
    public void Reconnect_attempts_count_up_and_reset_once_connected()
    {
        var state = State(AccountStatus.Connected, linked: true);
        state = Apply(state, Engine(Drop("428"))).State;
        Assert.Equal(1, state.ReconnectAttempt);
        state = Apply(state, new DeadlineReached(DeadlineKind.ReconnectDue, state.StartToken), now: state.NextAttemptAt!.Value).State;
        state = Apply(state, Engine(Drop("428")), now: T0.AddSeconds(30)).State;
        Assert.Equal(2, state.ReconnectAttempt);
        Assert.Equal(T0, state.FailingSince);

        state = Apply(state with { Status = AccountStatus.Starting }, Engine(new SessionConnected(state.Id, 1, "j", null))).State;
        Assert.Equal(0, state.ReconnectAttempt);
        Assert.Null(state.FailingSince);
        Assert.Equal([T0, T0.AddSeconds(30)], state.RecentDisconnects.ToArray());
    }
}
