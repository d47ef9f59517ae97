using System.Text.Json;

namespace WaDashboard.Core.Engines.Gateways;

public enum GatewayReachability
{
    /// <summary>Not contacted yet.</summary>
    Unknown,
    Up,
    /// <summary>The last call failed; the breaker is still closed.</summary>
    Failing,
    /// <summary>Too many failures in a row: calls are refused without reaching the server until a trial succeeds.</summary>
    BreakerOpen,
}

/// <summary>What the dashboard knows of its contact with one gateway server right now: reachable or not, when, with what error.</summary>
public sealed record GatewayContact(
    string ServerId,
    GatewayReachability State,
    DateTimeOffset? LastContact,
    DateTimeOffset? LastReconcile,
    string? LastError,
    int ConsecutiveFailures,
    int SessionsOnServer);

/// <summary>A session as the gateway lists it. <paramref name="AccountId"/> is set when the name is one of the dashboard's.</summary>
public sealed record GatewaySession(string Name, string Status, string? AccountId, string? MeId, string? PushName, string? Engine);

/// <summary>
/// A gateway server driven over HTTP: an engine for the accounts placed on it, plus what only gateways have — webhooks,
/// reconciliation, the state of its contact and the sessions found on the server.
/// </summary>
public interface IGatewayServer : IWhatsAppEngine
{
    GatewayServerOptions Server { get; }

    GatewayContact Contact { get; }

    /// <summary>A webhook body whose signature was already verified.</summary>
    Task HandleWebhookAsync(JsonElement body, CancellationToken cancellationToken);

    /// <summary>One pass: list every session on the server and bring what the dashboard believes in line with it.</summary>
    Task ReconcileAsync(CancellationToken cancellationToken);

    /// <summary>Every session on the server, the dashboard's and any other.</summary>
    Task<IReadOnlyList<GatewaySession>> ListServerSessionsAsync(CancellationToken cancellationToken);

    /// <summary>Removes the account's session from the server (logout and delete), when the account moves away or is deleted.</summary>
    Task DeleteSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Before a person links an account here: whether the server will hold its session. Null when it will; otherwise the
    /// server's refusal in words a person can act on (e.g. WAHA Core holds only the session "default").
    /// </summary>
    Task<string?> CheckLinkAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>The server's background work (QR polling while a person links, periodic reconciliation) until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
