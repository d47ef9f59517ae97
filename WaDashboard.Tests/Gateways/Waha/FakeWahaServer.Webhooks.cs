using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Tests.Gateways.Waha;

public sealed partial class FakeWahaServer
{
    /// <summary>Queues the event for every webhook of the session that subscribed to it (the documented payload).</summary>
    private void Deliver(FakeSession session, string eventName, JsonObject payload)
    {
        if (DropWebhooks || session.Config["webhooks"] is not JsonArray webhooks)
        {
            return;
        }

        foreach (var webhook in webhooks.OfType<JsonObject>())
        {
            var events = webhook["events"] as JsonArray;
            if (webhook["url"]?.GetValue<string>() is not { Length: > 0 } url
                || events is null || !events.Any(e => e?.GetValue<string>() is { } name && (name == eventName || name == "*")))
            {
                continue;
            }

            var body = new JsonObject
            {
                ["id"] = "evt_" + Ulid(),
                ["timestamp"] = NowMs(),
                ["event"] = eventName,
                ["session"] = session.Name,
                ["metadata"] = session.Config["metadata"]?.DeepClone(),
                ["me"] = Me(session),
                ["payload"] = payload.DeepClone(),
                ["engine"] = Engine,
                ["environment"] = new JsonObject { ["version"] = "2025.11.1", ["engine"] = Engine, ["tier"] = "PLUS" },
            };
            Interlocked.Increment(ref _webhooksQueued);
            _deliveries.Writer.TryWrite((url, webhook["hmac"]?["key"]?.GetValue<string>(), Encoding.UTF8.GetBytes(body.ToJsonString(Compact))));
        }
    }

    /// <summary>WAHA's retry policy for a webhook answered with anything but 2xx, or not at all: 15 more attempts, 2 s apart, same body and id (src/core/integrations/webhooks/WebhookSender.ts).</summary>
    public const int WebhookRetries = 15;

    public static readonly TimeSpan WebhookRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>One first delivery at a time, in order, as the events happened; a retry waits on the injected clock.</summary>
    private async Task PumpWebhooksAsync()
    {
        try
        {
            await foreach (var (url, key, body) in _deliveries.Reader.ReadAllAsync(_stopping.Token))
            {
                if (!await PostWebhookAsync(url, key, body, attempt: 1))
                {
                    lock (_lock)
                    {
                        _background.Add(RetryWebhookAsync(url, key, body));
                    }
                }

                Interlocked.Increment(ref _webhooksDone);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RetryWebhookAsync(string url, string? key, byte[] body)
    {
        try
        {
            for (var attempt = 2; attempt <= 1 + WebhookRetries; attempt++)
            {
                await Task.Delay(WebhookRetryDelay, Time, _stopping.Token);
                if (await PostWebhookAsync(url, key, body, attempt))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One POST; true when it got a 2xx.</summary>
    private async Task<bool> PostWebhookAsync(string url, string? key, byte[] body, int attempt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Webhook-Request-Id", Guid.NewGuid().ToString("N"));
        request.Headers.Add("X-Webhook-Timestamp", NowMs().ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (key is { Length: > 0 })
        {
            request.Headers.Add("X-Webhook-Hmac", Convert.ToHexString(HMACSHA512.HashData(Encoding.UTF8.GetBytes(key), body)).ToLowerInvariant());
            request.Headers.Add("X-Webhook-Hmac-Algorithm", "sha512");
        }

        var id = JsonNode.Parse(body)?["id"]?.GetValue<string>() ?? "";
        var status = 0;
        try
        {
            using var response = await _webhookClient.SendAsync(request, _stopping.Token);
            status = (int)response.StatusCode;
            lock (_lock)
            {
                if (FailWebhookAnswers > 0)
                {
                    FailWebhookAnswers--;
                    status = 503;
                }
            }

            if (status is >= 200 and < 300)
            {
                WebhooksDelivered++;
            }
        }
        catch (HttpRequestException)
        {
            // No answer: retried like a non-2xx.
        }

        lock (_lock)
        {
            _webhookAttempts.Add((id, attempt, status));
        }

        return status is >= 200 and < 300;
    }
}
