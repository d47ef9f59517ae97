using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Tests.Observability;

public sealed class TransitionSignalsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static AccountState Account(AccountStatus status, int attempt = 0, bool linked = true, bool paused = false, int generation = 1) => new()
    {
        Id = "acc1",
        Name = "Front desk",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = Now,
        StatusSince = Now,
        Status = status,
        ReconnectAttempt = attempt,
        SessionLinked = linked,
        AutoReconnectPaused = paused,
        Generation = generation,
    };

    public static TheoryData<AccountStatus, int, AccountStatus, string?> AttemptOutcomes => new()
    {
        { AccountStatus.Starting, 1, AccountStatus.Connected, "connected" },
        { AccountStatus.Starting, 2, AccountStatus.Reconnecting, "failed" },
        { AccountStatus.Starting, 2, AccountStatus.Disconnected, "failed" },
        { AccountStatus.Starting, 3, AccountStatus.GaveUp, "gave_up" },
        { AccountStatus.Starting, 1, AccountStatus.LoggedOut, "needs_person" },
        { AccountStatus.Starting, 1, AccountStatus.Stopped, "stopped" },
        // A start a person asked for (attempt 0) is not an automatic attempt.
        { AccountStatus.Starting, 0, AccountStatus.Connected, null },
        { AccountStatus.Connected, 0, AccountStatus.Disconnected, null },
    };

    [Theory]
    [MemberData(nameof(AttemptOutcomes))]
    public void An_automatic_attempt_ends_with_its_outcome(AccountStatus from, int attempt, AccountStatus to, string? outcome) =>
        Assert.Equal(outcome, TransitionSignals.Of(Account(from, attempt), Account(to, attempt), null, null).ReconnectOutcome);

    [Fact]
    public void An_attempt_starts_when_the_wait_in_reconnecting_ends()
    {
        Assert.True(TransitionSignals.Of(Account(AccountStatus.Reconnecting, 1), Account(AccountStatus.Starting, 1), null, null).ReconnectAttemptStarted);
        Assert.False(TransitionSignals.Of(Account(AccountStatus.Stopped), Account(AccountStatus.Starting), null, null).ReconnectAttemptStarted);
    }

    [Fact]
    public void A_disconnect_carries_its_reason_and_a_bounded_raw_code()
    {
        var signals = TransitionSignals.Of(Account(AccountStatus.Connected), Account(AccountStatus.Reconnecting, 1), DisconnectReason.Timeout, "408");
        Assert.Equal(DisconnectReason.Timeout, signals.Disconnect);
        Assert.Equal("408", signals.RawCode);
        Assert.Null(TransitionSignals.Of(Account(AccountStatus.Connected), Account(AccountStatus.Stopped), null, "408").RawCode);
    }

    [Theory]
    [InlineData(null, "none")]
    [InlineData("  ", "none")]
    [InlineData("401", "401")]
    [InlineData("LOGOUT", "LOGOUT")]
    [InlineData("start-timeout", "start-timeout")]
    [InlineData("device_removed", "device_removed")]
    [InlineData("Connection Failure", "other")]
    [InlineData("+972501234567", "other")]
    [InlineData("972501234567", "other")]
    [InlineData("a-very-long-code-that-no-engine-would-ever-send-us", "other")]
    public void Raw_codes_that_could_carry_a_phone_number_or_a_sentence_become_other(string? raw, string label) =>
        Assert.Equal(label, TransitionSignals.BoundRawCode(raw));

    [Fact]
    public void The_loop_breaker_trips_once_when_it_pauses_the_account()
    {
        Assert.True(TransitionSignals.Of(Account(AccountStatus.Connected), Account(AccountStatus.Disconnected, paused: true), DisconnectReason.Timeout, "408").LoopBreakerTripped);
        Assert.False(TransitionSignals.Of(Account(AccountStatus.Disconnected, paused: true), Account(AccountStatus.Disconnected, paused: true), null, null).LoopBreakerTripped);
    }

    [Fact]
    public void A_new_qr_or_pairing_code_is_shown_and_a_link_completes_when_the_login_is_saved()
    {
        var waiting = Account(AccountStatus.AwaitingQrScan, linked: false);
        var first = waiting with { Qr = new QrCodeInfo("ref-1", Now, Now.AddSeconds(60), 1, 6) };
        Assert.Equal("qr", TransitionSignals.Of(waiting, first, null, null).CodeShown);
        Assert.Equal("qr", TransitionSignals.Of(first, first with { Qr = first.Qr! with { Value = "ref-2", Index = 2 } }, null, null).CodeShown);
        Assert.Null(TransitionSignals.Of(first, first with { Note = "x" }, null, null).CodeShown);
        var pairing = waiting with { Status = AccountStatus.AwaitingPairingCode, PairingCode = new PairingCodeInfo("ABCD2345", Now, Now.AddMinutes(3)) };
        Assert.Equal("pairing_code", TransitionSignals.Of(waiting, pairing, null, null).CodeShown);

        Assert.True(TransitionSignals.Of(first, Account(AccountStatus.Starting, linked: true), null, null).LinkCompleted);
        // A new generation starts unlinked; that is not a link.
        Assert.False(TransitionSignals.Of(Account(AccountStatus.Connected, linked: true), Account(AccountStatus.Starting, linked: false, generation: 2), null, null).LinkCompleted);
    }
}
