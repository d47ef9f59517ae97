using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>
/// Stands for the dashboard's webhook endpoint (<c>POST /api/webhooks/{serverId}</c>): every body is checked by the app's
/// own <see cref="WebhookSignatureVerifier"/> (signature, timestamp, replay); an accepted one is handed to the engine.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    public const string Secret = "wh-secret-5d1f0b8e2c4a6f9e7b3d";
    private readonly WebApplication _app;
    private readonly WebhookSignatureVerifier _verifier = new(Options.Create(new SecurityOptions { Webhooks = { Secret = Secret } }), TimeProvider.System);

    private WebhookSink(WebApplication app) => _app = app;

    public sealed record Delivery(string ServerId, byte[] Body, string Signature, string Algorithm, string RequestId, string Timestamp, WebhookVerdict Verdict)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    }

    public string Url { get; private set; } = "";

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>Where an accepted webhook goes (the engine of the server it names).</summary>
    public Func<string, JsonElement, Task>? Handler { get; set; }

    /// <summary>The first delivery with this <c>session.status</c> status, once it has arrived (up to 10 s).</summary>
    public async Task<Delivery> WaitForStatusAsync(string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var found = Deliveries.FirstOrDefault(d => d.Json.TryGetProperty("payload", out var payload)
                                                       && payload.TryGetProperty("status", out var value) && value.GetString() == status);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No session.status webhook with {status} arrived.");
            }

            await Task.Delay(10);
        }
    }

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/api/webhooks/{serverId}", async (string serverId, HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var signature = request.Headers[WebhookSignatureVerifier.SignatureHeader].ToString();
            var verdict = sink._verifier.Verify(body, signature);
            sink.Deliveries.Enqueue(new Delivery(serverId, body, signature, request.Headers[WebhookSignatureVerifier.AlgorithmHeader].ToString(),
                request.Headers["X-Webhook-Request-Id"].ToString(), request.Headers["X-Webhook-Timestamp"].ToString(), verdict));
            if (verdict == WebhookVerdict.Replayed)
            {
                return Results.Ok(); // as the dashboard's receiver: an id already handled is acknowledged again
            }

            if (verdict != WebhookVerdict.Accepted)
            {
                return Results.Unauthorized();
            }

            if (sink.Handler is { } handler)
            {
                using var document = JsonDocument.Parse(body);
                await handler(serverId, document.RootElement.Clone());
            }

            return Results.Ok();
        });
        await app.StartAsync();
        sink.Url = app.Urls.Single();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
