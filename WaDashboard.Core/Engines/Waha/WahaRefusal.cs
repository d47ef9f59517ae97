using System.Net;
using System.Text.Json;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// WAHA refused to create or start a session (a 4xx that is not about the session's current status), with its own words
/// and what a person can do about it.
/// </summary>
public sealed record WahaRefusal(string Message)
{
    /// <summary>The raw code of a refused link in a <see cref="SessionDisconnected"/>.</summary>
    public const string Code = "gateway-refused";

    /// <summary>
    /// A refusal, or null when the answer is not one: 5xx, 404, and WAHA's "status is not as expected" 422
    /// (<c>{error, session, status, expected}</c>, a wait that ran out) are not refusals.
    /// WAHA Core answers a named session with NestJS's 422 <c>{statusCode, message, error}</c> whose message starts
    /// "WAHA Core support only 'default' session" (<c>OnlyDefaultSessionIsAllowed</c>, <c>src/core/manager.core.ts</c>).
    /// </summary>
    public static WahaRefusal? From(WahaApiException ex, string serverId)
    {
        if (ex.StatusCode is not (HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.PaymentRequired))
        {
            return null;
        }

        var said = What(ex.Body);
        if (said.NotAsExpected)
        {
            return null;
        }

        var text = said.Message ?? WahaApiException.Excerpt(ex.Body, 300);
        var next = text.Contains("only 'default' session", StringComparison.OrdinalIgnoreCase) || text.Contains("WAHA PLUS", StringComparison.OrdinalIgnoreCase)
            ? $"This server runs WAHA Core, which holds a single session named 'default': named sessions need WAHA Plus. Move the account to a WAHA Plus server (Gateways:Servers), or upgrade {serverId}."
            : ex.StatusCode == HttpStatusCode.Forbidden
                ? $"Check the API key configured for {serverId} and what it may do."
                : $"Check the session settings the server accepts, then link again.";
        return new WahaRefusal($"Gateway {serverId} refused the session ({(int)ex.StatusCode}): {text} {next}");
    }

    private static (string? Message, bool NotAsExpected) What(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, false);
            }

            if (root.TryGetProperty("expected", out _) && root.TryGetProperty("status", out _))
            {
                return (null, true);
            }

            if (root.TryGetProperty("message", out var message))
            {
                return message.ValueKind switch
                {
                    JsonValueKind.String => (message.GetString(), false),
                    JsonValueKind.Array => (string.Join("; ", message.EnumerateArray().Select(m => m.ToString())), false),
                    _ => (message.GetRawText(), false),
                };
            }

            return (WahaJson.String(root, "error"), false);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }
}
