using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>How a link that never got a QR from its gateway ends for the account: in words that say what happened.</summary>
public sealed class GatewayLinkOutcomeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    private static AccountState Linking() => new()
    {
        Id = "0123456789abcdef",
        Name = "Clinic",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = T0.AddDays(-1),
        StatusSince = T0.AddMinutes(-1),
        Status = AccountStatus.Starting,
        SessionLinked = false,
        Generation = 2,
        StartToken = 7,
        Note = "Linking with a QR code requested by a person.",
    };

    private static Transition Apply(AccountState state, SupervisorInput input) =>
        SessionTransitions.Apply(state, input, new TransitionContext(T0, new ReconnectOptions(), 0.5));

    // 3. A refused link: no QR ever comes; WAHA's words and the next step, and no automatic retry.
    [Fact]
    public void A_link_the_gateway_refused_ends_disconnected_with_its_words_not_as_an_expired_QR()
    {
        const string words = "Gateway waha-1 refused the session (422): WAHA Core support only 'default' session. This server runs WAHA Core, which holds a single session named 'default': named sessions need WAHA Plus.";
        var result = Apply(Linking(), new EngineEventInput(new SessionDisconnected("0123456789abcdef", 2, WahaRefusal.Code, words)));

        Assert.Equal(AccountStatus.Disconnected, result.State.Status);
        Assert.Equal("Needs you: " + words, result.State.Note);
        Assert.True(result.State.AutoReconnectPaused);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine);
    }

    // 4. A start that stayed in STARTING until the start timeout: it never had a QR, and says what to check.
    [Fact]
    public void A_link_that_never_got_past_starting_says_so_instead_of_QR_expired()
    {
        var result = Apply(Linking(), new DeadlineReached(DeadlineKind.StartTimeout, 7));

        Assert.Equal(AccountStatus.Disconnected, result.State.Status);
        Assert.Contains("no QR code or pairing code ever came", result.State.Note);
        Assert.Contains("network, DNS, proxy", result.State.Note);
        Assert.DoesNotContain("QR code expired", result.State.Note);
        Assert.Contains(result.Effects, e => e is StopEngine);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine);
    }

    [Fact]
    public void A_link_whose_QR_was_shown_still_ends_as_an_expired_QR()
    {
        var shown = Linking() with { Status = AccountStatus.AwaitingQrScan };
        var result = Apply(shown, new EngineEventInput(new SessionDisconnected("0123456789abcdef", 2, "408", "QR refs attempts ended")));

        Assert.Equal(AccountStatus.QrExpired, result.State.Status);
    }
}
