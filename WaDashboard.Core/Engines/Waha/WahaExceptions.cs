using System.Globalization;
using System.Net;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>A call to a WAHA server that did not succeed. The message names the server, the method and the path.</summary>
public abstract class WahaException(string serverId, string method, string path, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string ServerId { get; } = serverId;

    public string Method { get; } = method;

    public string Path { get; } = path;
}

/// <summary>The server answered with a status that is not a success (4xx or 5xx).</summary>
public sealed class WahaApiException(string serverId, string method, string path, HttpStatusCode statusCode, string body)
    : WahaException(serverId, method, path, Describe(serverId, method, path, statusCode, body))
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>The answer's body (cut to 2,000 characters).</summary>
    public string Body { get; } = Excerpt(body, 2000);

    public bool IsServerError => (int)StatusCode >= 500;

    private static string Describe(string serverId, string method, string path, HttpStatusCode status, string body)
    {
        var hint = status switch
        {
            HttpStatusCode.Unauthorized => ".ApiKey",
            HttpStatusCode.NotFound => ".UnknownSession",
            HttpStatusCode.UnprocessableEntity => ".State",
            _ => "",
        };
        var text = Excerpt(body, 300);
        var answered = string.Create(CultureInfo.InvariantCulture, $"{(int)status} {status}");
        return text.Length > 0
            ? GatewayText.Say("Gateway.AnsweredBody" + hint, serverId, method, path, answered, text)
            : GatewayText.Say("Gateway.Answered" + hint, serverId, method, path, answered);
    }

    internal static string Excerpt(string text, int max)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= max ? trimmed : trimmed[..max] + "…";
    }
}

/// <summary>No answer: the connection failed or broke. <see cref="RequestMayHaveBeenSent"/> is false only when no connection was made.</summary>
public sealed class WahaUnreachableException(string serverId, string method, string path, bool requestMayHaveBeenSent, Exception inner)
    : WahaException(serverId, method, path,
        GatewayText.Say(requestMayHaveBeenSent ? "Gateway.Network.MaybeSent" : "Gateway.Network.NotSent", serverId, method, path, inner.Message),
        inner)
{
    public bool RequestMayHaveBeenSent { get; } = requestMayHaveBeenSent;
}

/// <summary>No answer within the per-call timeout (the request may have reached the server).</summary>
public sealed class WahaTimeoutException(string serverId, string method, string path, TimeSpan timeout)
    : WahaException(serverId, method, path, GatewayText.Say("Gateway.Timeout", serverId, method, path, timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)))
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The server's circuit breaker is open: the call was refused without reaching the server.</summary>
public sealed class WahaBreakerOpenException(string serverId, string method, string path, DateTimeOffset openUntil, int failures, string? lastError)
    : WahaException(serverId, method, path,
        GatewayText.Say(lastError is null ? "Gateway.BreakerOpen" : "Gateway.BreakerOpen.LastError",
            serverId, failures, openUntil.ToString("HH:mm:ss", CultureInfo.InvariantCulture), method, path, lastError))
{
    public DateTimeOffset OpenUntil { get; } = openUntil;
}
