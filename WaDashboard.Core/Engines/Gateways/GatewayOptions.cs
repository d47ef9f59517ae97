using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Engines.Gateways;

/// <summary>One gateway server (a WAHA instance) as configured under "Gateways:Servers".</summary>
public sealed class GatewayServerOptions
{
    /// <summary>The worker id accounts on this server carry (<c>worker_id</c> in the API): letters, digits, '-' and '_'.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,40}$", ErrorMessage = "Gateways:Servers:N:Id must be 1-40 letters, digits, '-' or '_'.")]
    public string Id { get; set; } = "";

    /// <summary>Which gateway software: only "Waha" in this version.</summary>
    [RegularExpression("^(?i)waha$", ErrorMessage = "Gateways:Servers:N:Kind must be \"Waha\".")]
    public string Kind { get; set; } = "Waha";

    /// <summary>Base URL of the gateway's HTTP API, e.g. http://waha:3000.</summary>
    [Required, Url]
    public string Url { get; set; } = "";

    /// <summary>The gateway's API key (sent as X-Api-Key).</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// The key this server's sessions sign their webhooks with (HMAC). Each server has its own: WAHA shows a session's
    /// webhook key to anyone holding that server's API key (<c>GET /api/sessions</c> → <c>config.webhooks[].hmac.key</c>), so
    /// a shared key would let one server's key forge another's webhooks. Empty: derived from Gateways:WebhookSecret and the
    /// server's Id (HMAC-SHA256), which is different for every server and cannot be turned back into the shared secret.
    /// </summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>How many sessions this server may hold; new accounts go where the most capacity is free.</summary>
    [Range(1, 100_000)]
    public int Capacity { get; set; } = 50;
}

/// <summary>Bound from "Gateways".</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateways";

    public List<GatewayServerOptions> Servers { get; set; } = [];

    /// <summary>
    /// The dashboard's base URL as the gateways reach it (e.g. http://dashboard:5080); sessions are created with a webhook to
    /// {WebhookBaseUrl}/api/webhooks/{serverId}. Empty: no webhooks, reconciliation alone keeps the states.
    /// </summary>
    public string WebhookBaseUrl { get; set; } = "";

    /// <summary>
    /// The secret each server's own webhook key is derived from, unless Gateways:Servers:N:WebhookSecret gives one (filled
    /// from Security:Webhooks:Secret when empty).
    /// </summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>The key <paramref name="server"/> signs its webhooks with: its own, or one derived for it alone.</summary>
    public string WebhookSecretFor(GatewayServerOptions server)
    {
        if (server.WebhookSecret is { Length: > 0 } own)
        {
            return own;
        }

        if (WebhookSecret is not { Length: > 0 } shared)
        {
            return "";
        }

        var derived = System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(shared), System.Text.Encoding.UTF8.GetBytes("wadashboard.webhook/" + server.Id.ToLowerInvariant()));
        return Convert.ToHexString(derived).ToLowerInvariant();
    }

    /// <summary>Every session on every server is compared with what the dashboard believes this often (a lost webhook is caught here).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While a person links, the current QR ref is read this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QrPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A read WAHA answers at once (the session list, one session) may take this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Creating, starting, stopping, logging out or deleting a session may take this long (WAHA Core pauses 3 s after a stop).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ControlTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A call WAHA holds while it waits for the session (QR, pairing code, /me, sendText) may take this long. WAHA waits
    /// up to 5 s for the session to run and 10 s for the expected status before it answers 422, so this must be longer
    /// than 15 s (src/core/abc/manager.abc.ts, waitUntilStatus).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:16", "00:05:00")]
    public TimeSpan WaitingCallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra attempts for idempotent calls (reads) that failed on the network, a timeout or a 5xx.</summary>
    [Range(0, 5)]
    public int Retries { get; set; } = 2;

    /// <summary>Server failures (no connection, no answer in time, 5xx) in a row, within <see cref="BreakerSamplingDuration"/>, that open a server's circuit breaker. WAHA's 4xx answers never count.</summary>
    [Range(2, 100)]
    public int BreakerThreshold { get; set; } = 5;

    /// <summary>The window in which the breaker counts failures; one answer within it keeps the breaker closed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an open breaker refuses calls before one trial call goes through.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Session names on the gateway are {SessionPrefix}{accountId}.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,20}$")]
    public string SessionPrefix { get; set; } = "wad_";
}
