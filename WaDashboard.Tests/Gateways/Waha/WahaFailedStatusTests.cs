using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Reconnect;
using static WaDashboard.Core.Engines.Waha.WahaEngineKind;
using static WaDashboard.Core.Engines.Waha.WahaFailure;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>The pure table from (engine, statuses before a FAILED, whether it still has an account) to what the FAILED means.</summary>
public sealed class WahaFailedStatusTests
{
    public static TheoryData<WahaEngineKind, string[], bool, WahaFailure> Table => new()
    {
        // An unscanned link ends FAILED (NOWEB after its 6th code; the same verdict for any engine seen in SCAN_QR_CODE).
        { Noweb, ["STARTING", "SCAN_QR_CODE"], false, QrExpired },
        { Noweb, ["STARTING", "SCAN_QR_CODE", "SCAN_QR_CODE"], false, QrExpired },
        { Webjs, ["SCAN_QR_CODE"], false, QrExpired },
        { Gows, ["SCAN_QR_CODE"], false, QrExpired },
        // NOWEB: WORKING → FAILED is a close with loggedOut; every other close restarts the client.
        { Noweb, ["SCAN_QR_CODE", "WORKING"], false, LoggedOut },
        { Noweb, ["WORKING"], true, LoggedOut },
        // WEBJS and GOWS: the account (me) decides.
        { Webjs, ["WORKING"], false, LoggedOut },
        { Webjs, ["WORKING"], true, Transient },
        { Gows, ["WORKING"], false, LoggedOut },
        { Gows, ["WORKING"], true, Transient },
        { Unknown, ["WORKING"], true, Transient },
        // NOWEB gives up after 60 STARTING in a row: WhatsApp unreachable from the gateway.
        { Noweb, ["WORKING", "STARTING"], true, StuckStarting },
        { Noweb, ["STARTING"], false, StuckStarting },
        { Webjs, ["WORKING", "STARTING"], true, Transient },
        // Repeated FAILED entries are skipped; nothing known is transient.
        { Noweb, ["WORKING", "FAILED"], false, LoggedOut },
        { Noweb, [], false, Transient },
        { Webjs, ["STOPPED"], false, Transient },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void A_FAILED_means_what_the_engine_and_the_statuses_before_it_say(WahaEngineKind engine, string[] before, bool hasMe, WahaFailure expected) =>
        Assert.Equal(expected, WahaFailedStatus.Classify(engine, before, hasMe));

    [Theory]
    [InlineData(QrExpired, DisconnectReason.Timeout)]
    [InlineData(LoggedOut, DisconnectReason.LoggedOut)]
    [InlineData(StuckStarting, DisconnectReason.ConnectionLost)]
    [InlineData(Transient, DisconnectReason.Unknown)]
    public void Each_verdict_reaches_the_reconnect_policy_as_the_matching_reason(WahaFailure failure, DisconnectReason reason)
    {
        var (code, text) = WahaFailedStatus.Describe(failure, Noweb, "waha-1", "wad_x");
        Assert.Equal(reason, DisconnectClassifier.Classify(code, text));
        Assert.Contains("waha-1", text);
    }

    [Theory]
    [InlineData("NOWEB", Noweb)]
    [InlineData("webjs", Webjs)]
    [InlineData("GOWS", Gows)]
    [InlineData(null, Unknown)]
    [InlineData("VENOM", Unknown)]
    public void The_engine_is_read_from_its_name(string? name, WahaEngineKind kind) => Assert.Equal(kind, WahaFailedStatus.ParseEngine(name));

    [Theory]
    [InlineData(422, """{"statusCode":422,"message":"WAHA Core support only 'default' session. You tried to access 'wad_x' session (base64: d2FkX3g=). If you want to run more then one WhatsApp account - please get WAHA PLUS version.","error":"Unprocessable Entity"}""", "named sessions need WAHA Plus")]
    [InlineData(422, """{"statusCode":422,"message":"Session 'wad_x' is already started.","error":"Unprocessable Entity"}""", "Check the session settings")]
    [InlineData(400, """{"statusCode":400,"message":["config.proxy must be an object"],"error":"Bad Request"}""", "config.proxy must be an object")]
    public void A_refusal_keeps_WAHA_s_words_and_adds_what_to_do(int status, string body, string expected)
    {
        var refusal = WahaRefusal.From(new WahaApiException("waha-1", "POST", "/api/sessions", (System.Net.HttpStatusCode)status, body), "waha-1");
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal.Message);
        Assert.StartsWith($"Gateway waha-1 refused the session ({status}): ", refusal.Message);
    }

    [Theory]
    [InlineData(422, """{"error":"Session status is not as expected. Try again later or restart the session","session":"wad_x","status":"STARTING","expected":["SCAN_QR_CODE"]}""")]
    [InlineData(404, """{"statusCode":404,"message":"Session not found","error":"Not Found"}""")]
    [InlineData(503, "")]
    public void A_wait_that_ran_out_a_missing_session_or_a_server_error_is_not_a_refusal(int status, string body) =>
        Assert.Null(WahaRefusal.From(new WahaApiException("waha-1", "POST", "/api/sessions", (System.Net.HttpStatusCode)status, body), "waha-1"));
}
