using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Workers;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>
/// Gateway servers (WAHA) post here, at the path that ends with their worker id (the path's parameter is still called
/// "engine" on the wire, as existing gateways are configured with it). Authenticated by the HMAC signature over the raw body
/// instead of a session or a key; unsigned, stale and replayed calls are refused before anything reads them.
/// </summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/webhooks/{engine}", [AllowAnonymous] async ([Microsoft.AspNetCore.Mvc.FromRoute(Name = "engine")] string workerId, HttpRequest request, WebhookSignatureVerifier verifier, WorkerRouter workers,
            Microsoft.Extensions.Options.IOptions<GatewayOptions> gateways, ILoggerFactory loggers) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            var body = buffer.ToArray();
            var logger = loggers.CreateLogger("WaDashboard.Web.Webhooks");
            if (workers.Find(workerId)?.Gateway is not { } gateway)
            {
                logger.LogWarning("A webhook names {WorkerId}, which is not a configured gateway server", workerId);
                return Results.Problem(statusCode: 404, title: "Unknown gateway server",
                    detail: $"No gateway server '{workerId}' is configured; the webhook URL must end with the server's Gateways:Servers:N:Id.");
            }

            // Each server signs with its own key: one server's key cannot sign for another.
            var verdict = verifier.Verify(body, request.Headers[WebhookSignatureVerifier.SignatureHeader],
                request.Headers[WebhookSignatureVerifier.AlgorithmHeader], gateways.Value.WebhookSecretFor(gateway.Server));
            if (verdict == WebhookVerdict.Accepted)
            {
                using var document = JsonDocument.Parse(body);
                await gateway.HandleWebhookAsync(document.RootElement, request.HttpContext.RequestAborted);
            }
            else if (verdict == WebhookVerdict.Replayed)
            {
                // WAHA redelivers a webhook it got no 2xx for (15 times, 2 s apart, same id): it was handled; say so again.
                logger.LogDebug("Webhook for {WorkerId} delivered again; already handled", workerId);
                return Results.Ok(new { accepted = true, duplicate = true });
            }
            else
            {
                logger.LogWarning("Refused a webhook for {WorkerId}: {Verdict}", workerId, verdict);
                request.HttpContext.RequestServices.GetService<Core.Telemetry.WaDashboardMetrics>()?.WebhookRefused(verdict.ToString());
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
        }).WithTags("Webhooks");
        return app;
    }
}
