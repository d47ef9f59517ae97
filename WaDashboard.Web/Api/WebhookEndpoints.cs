using Microsoft.AspNetCore.Authorization;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>
/// Engines that call back (gateways such as WAHA) post here. Authenticated by the HMAC signature over the raw body
/// instead of a session or a key; unsigned, stale and replayed calls are refused before anything reads them.
/// </summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/{engine}", [AllowAnonymous] async (string engine, HttpRequest request, WebhookSignatureVerifier verifier, ILoggerFactory loggers) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            var verdict = verifier.Verify(buffer.ToArray(), request.Headers[WebhookSignatureVerifier.SignatureHeader]);
            var logger = loggers.CreateLogger("WaDashboard.Web.Webhooks");
            if (verdict != WebhookVerdict.Accepted)
            {
                logger.LogWarning("Refused a webhook for {Engine}: {Verdict}", engine, verdict);
            }

            return verdict switch
            {
                WebhookVerdict.Accepted => Results.Accepted(value: new { accepted = true }),
                WebhookVerdict.NotConfigured => Results.Problem(statusCode: 404, title: "Webhooks are not configured",
                    detail: "Set Security:Webhooks:Secret to receive engine webhooks."),
                WebhookVerdict.MalformedBody => Results.Problem(statusCode: 400, title: "Malformed webhook",
                    detail: "The signed body must be JSON with an 'id' and a 'timestamp' (Unix milliseconds)."),
                _ => Results.Problem(statusCode: 401, title: "Webhook refused", detail: verdict switch
                {
                    WebhookVerdict.MissingSignature => $"The {WebhookSignatureVerifier.SignatureHeader} header is missing.",
                    WebhookVerdict.BadSignature => "The signature does not match the body.",
                    WebhookVerdict.Stale => "The timestamp is outside the accepted window.",
                    _ => "This webhook id was already received.",
                }),
            };
        });
        return app;
    }
}
