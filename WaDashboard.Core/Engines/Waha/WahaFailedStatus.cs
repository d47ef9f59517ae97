namespace WaDashboard.Core.Engines.Waha;

/// <summary>The WAHA engine a server runs; they end links and logins differently.</summary>
public enum WahaEngineKind
{
    Unknown,
    Noweb,
    Webjs,
    Gows,
}

/// <summary>What a session's FAILED status means.</summary>
public enum WahaFailure
{
    /// <summary>The QR codes ran out unscanned: the link is over; never restarted by itself.</summary>
    QrExpired,

    /// <summary>The login is gone (unlinked on the phone): alert a person, who relinks.</summary>
    LoggedOut,

    /// <summary>The session never got past STARTING: WhatsApp was not reachable from the gateway. Transient.</summary>
    StuckStarting,

    /// <summary>Anything else (a browser or page crash, a failure WAHA recovers from with a restart). Transient.</summary>
    Transient,
}

/// <summary>
/// Decides what a FAILED means from what WAHA gives: the engine (<c>GET /api/sessions/{name}</c> → <c>engine.engine</c>), the
/// statuses before it (the <c>statuses</c> list of a <c>session.status</c> webhook, or the statuses the adapter itself saw)
/// and whether the session still has an account (<c>me</c>). Pure.
/// <para>
/// NOWEB (verified in <c>src/core/engines/noweb/session.noweb.core.ts</c>, <c>listenConnectionEvents</c>): a socket that
/// closes while the session is in SCAN_QR_CODE (Baileys ends the link with 408 after its 6th QR) calls <c>failed()</c>;
/// a close with <c>loggedOut</c> (401, the device was unlinked on the phone) calls <c>failed()</c>; every other close
/// restarts the client (STARTING), and 60 STARTING in a row (<c>src/utils/StatusTracker.ts</c>) call <c>failed()</c>. So
/// WORKING → FAILED is a logout, SCAN_QR_CODE → FAILED an expired link, STARTING → FAILED a start that could not reach
/// WhatsApp.
/// </para>
/// <para>
/// WEBJS (verified in <c>src/core/engines/webjs/session.webjs.core.ts</c>): whatsapp-web.js keeps renewing the QR, so an
/// unscanned link stays in SCAN_QR_CODE (the adapter counts the codes itself); <c>DISCONNECTED</c> and
/// <c>AUTHENTICATION_FAILURE</c> set FAILED without a restart, a browser or page crash sets FAILED and restarts. A FAILED
/// session without <c>me</c> has lost its login; with one it is a crash WAHA restarts.
/// </para>
/// <para>
/// GOWS (not verified: its engine runs in a separate Go process whose source is not published): treated like NOWEB for
/// SCAN_QR_CODE → FAILED and like WEBJS after WORKING (the <c>me</c> decides).
/// </para>
/// </summary>
public static class WahaFailedStatus
{
    public static WahaEngineKind ParseEngine(string? engine) => engine?.Trim().ToUpperInvariant() switch
    {
        "NOWEB" => WahaEngineKind.Noweb,
        "WEBJS" => WahaEngineKind.Webjs,
        "GOWS" => WahaEngineKind.Gows,
        _ => WahaEngineKind.Unknown,
    };

    /// <param name="engine">The server's engine.</param>
    /// <param name="before">Statuses before the FAILED, oldest first (FAILED entries are skipped).</param>
    /// <param name="hasMe">The session still names an account (<c>me</c>).</param>
    public static WahaFailure Classify(WahaEngineKind engine, IReadOnlyList<string> before, bool hasMe)
    {
        var last = before.LastOrDefault(s => s != WahaStatus.Failed);
        switch (last)
        {
            case WahaStatus.ScanQrCode:
                return WahaFailure.QrExpired;
            case WahaStatus.Working:
                return engine == WahaEngineKind.Noweb || !hasMe ? WahaFailure.LoggedOut : WahaFailure.Transient;
            case WahaStatus.Starting:
                return engine == WahaEngineKind.Noweb ? WahaFailure.StuckStarting : WahaFailure.Transient;
            default:
                return WahaFailure.Transient;
        }
    }

    /// <summary>The raw code and text the adapter reports for a failure (the dashboard's classifier reads the code).</summary>
    public static (string Code, string Text) Describe(WahaFailure failure, WahaEngineKind engine, string serverId, string session) => failure switch
    {
        WahaFailure.QrExpired => ("408", $"Gateway {serverId} ({EngineName(engine)}): the QR codes ran out before the phone scanned one; the session {session} ended the link (SCAN_QR_CODE → FAILED)."),
        WahaFailure.LoggedOut => ("401", $"Gateway {serverId} ({EngineName(engine)}): the session {session} lost its login (WORKING → FAILED): the device was unlinked on the phone. Relink with a fresh QR code."),
        WahaFailure.StuckStarting => (StuckStartingCode, $"Gateway {serverId} ({EngineName(engine)}): the session {session} never got past STARTING, so WAHA gave up (FAILED): WhatsApp was not reachable from the gateway. Check the gateway's network, DNS and proxy."),
        _ => (WahaStatus.Failed, $"Gateway {serverId} ({EngineName(engine)}): WAHA reports the session {session} FAILED; it is restarted."),
    };

    /// <summary>The raw code of a session that never got past STARTING.</summary>
    public const string StuckStartingCode = "waha-stuck-starting";

    private static string EngineName(WahaEngineKind engine) => engine == WahaEngineKind.Unknown ? "engine unknown" : engine.ToString().ToUpperInvariant();
}
