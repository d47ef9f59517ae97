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
            HttpStatusCode.Unauthorized => " Check the API key configured for this server (Gateways:Servers:N:ApiKey, sent as X-Api-Key).",
            HttpStatusCode.NotFound => " The server does not know this session.",
            HttpStatusCode.UnprocessableEntity => " The session is not in a state that allows this call.",
            _ => "",
        };
        var text = Excerpt(body, 300);
        return $"Gateway {serverId}: {method} {path} answered {(int)status} {status}{(text.Length > 0 ? $": {text}" : "")}.{hint}";
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
        $"Gateway {serverId}: {method} {path} failed on the network ({inner.Message}){(requestMayHaveBeenSent ? "; the request may have reached the server" : "; no connection was made")}.",
        inner)
{
    public bool RequestMayHaveBeenSent { get; } = requestMayHaveBeenSent;
}

/// <summary>No answer within the per-call timeout (the request may have reached the server).</summary>
public sealed class WahaTimeoutException(string serverId, string method, string path, TimeSpan timeout)
    : WahaException(serverId, method, path, $"Gateway {serverId}: {method} {path} got no answer within {timeout.TotalSeconds:0.###} s; the request may have reached the server.")
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The server's circuit breaker is open: the call was refused without reaching the server.</summary>
public sealed class WahaBreakerOpenException(string serverId, string method, string path, DateTimeOffset openUntil, int failures, string? lastError)
    : WahaException(serverId, method, path,
        $"Gateway {serverId} is not answering: {failures} calls failed in a row, so calls are refused until {openUntil:HH:mm:ss} UTC without reaching it ({method} {path} was not sent).{(lastError is null ? "" : $" Last error: {lastError}")}")
{
    public DateTimeOffset OpenUntil { get; } = openUntil;
}
