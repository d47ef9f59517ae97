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

    /// <summary>HMAC key the gateway signs its webhooks with (filled from Security:Webhooks:Secret when empty).</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Every session on every server is compared with what the dashboard believes this often (a lost webhook is caught here).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While a person links, the current QR ref is read this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan QrPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One HTTP call to a gateway may take this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra attempts for idempotent calls (reads) that failed on the network, a timeout or a 5xx.</summary>
    [Range(0, 5)]
    public int Retries { get; set; } = 2;

    /// <summary>Failed calls in a row that open a server's circuit breaker.</summary>
    [Range(1, 100)]
    public int BreakerThreshold { get; set; } = 5;

    /// <summary>How long an open breaker refuses calls before one trial call goes through.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Session names on the gateway are {SessionPrefix}{accountId}.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,20}$")]
    public string SessionPrefix { get; set; } = "wad_";
}
