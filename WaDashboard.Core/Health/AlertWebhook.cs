using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Health;

/// <summary>Bound from "Alerts".</summary>
public sealed class AlertWebhookOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>Where alerts are POSTed as JSON; empty sends none.</summary>
    public string WebhookUrl { get; set; } = "";

    /// <summary>HMAC-SHA512 key; the hex signature of the raw body goes in X-Webhook-Hmac.</summary>
    public string WebhookSecret { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WebhookUrl.Length == 0)
        {
            yield break;
        }

        if (!Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"Alerts:WebhookUrl '{WebhookUrl}' must be an absolute http(s) URL.");
        }

        if (WebhookSecret.Trim().Length < 24 || WebhookSecret.Contains("change", StringComparison.OrdinalIgnoreCase) || WebhookSecret.StartsWith('<'))
        {
            yield return new ValidationResult("Alerts:WebhookSecret must be a random value of at least 24 characters when Alerts:WebhookUrl is set (e.g. `openssl rand -base64 32`).");
        }
    }
}

/// <summary>
/// Sends every alert (logout, ban, replaced, give-up, loop breaker, zombie) to the configured webhook, signed:
/// body {id, timestamp (Unix ms), event: "alert", account: {id, name}, message}; header X-Webhook-Hmac = hex
/// HMAC-SHA512 of the raw body. Bounded queue; transient failures are retried with backoff, then logged.
/// </summary>
public sealed class AlertWebhook(FleetEvents events, IHttpClientFactory clients, IOptions<AlertWebhookOptions> options, TimeProvider time, ILogger<AlertWebhook> logger)
    : BackgroundService
{
    public const string SignatureHeader = "X-Webhook-Hmac";
    private readonly Channel<AlertRaised> _queue = Channel.CreateBounded<AlertRaised>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    private IDisposable? _subscription;
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WebhookUrl.Length > 0)
        {
            _subscription = events.Subscribe(e =>
            {
                if (e is AlertRaised alert)
                {
                    _queue.Writer.TryWrite(alert);
                }
            });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(alert, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public static string Sign(byte[] body, string secret) =>
        Convert.ToHexString(HMACSHA512.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    private async Task DeliverAsync(AlertRaised alert, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = Guid.NewGuid().ToString("N"),
            timestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
            @event = "alert",
            account = new { id = alert.AccountId, name = alert.AccountName },
            message = alert.Message,
            at = alert.At,
        });
        var signature = Sign(body, settings.WebhookSecret);
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(SignatureHeader, signature);
                request.Headers.Add("X-Webhook-Hmac-Algorithm", "sha512");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(settings.Timeout);
                using var response = await clients.CreateClient(nameof(AlertWebhook)).SendAsync(request, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _sent);
                    return;
                }

                logger.LogWarning("Alert webhook answered {Status} for {AccountId} (attempt {Attempt})", (int)response.StatusCode, alert.AccountId, attempt);
                if ((int)response.StatusCode is >= 400 and < 500 and not 408 and not 429)
                {
                    return; // the receiver refuses it; sending again changes nothing
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Alert webhook failed for {AccountId} (attempt {Attempt}): {Error}", alert.AccountId, attempt, ex.Message);
            }

            if (attempt < settings.MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), time, cancellationToken);
            }
        }

        logger.LogError("Alert for {AccountId} could not be delivered to the webhook after {Attempts} attempts", alert.AccountId, settings.MaxAttempts);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken);
    }
}
