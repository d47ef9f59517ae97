using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

public enum WebhookVerdict
{
    Accepted,
    NotConfigured,
    MissingSignature,
    BadSignature,
    MalformedBody,
    Stale,
    Replayed,
}

/// <summary>
/// Checks engine webhooks: an HMAC (SHA-512 by default, as WAHA signs, hex in <c>X-Webhook-Hmac</c>) over the raw
/// body; the signed body's <c>timestamp</c> (Unix ms) must be within the tolerance and its <c>id</c> never seen before,
/// also before a restart when a <see cref="WebhookReplayLog"/> is given.
/// </summary>
public sealed class WebhookSignatureVerifier
{
    private readonly IOptions<SecurityOptions> options;
    private readonly TimeProvider time;
    private readonly WebhookReplayLog? replayLog;
    private readonly object _appendLock = new();

    public const string SignatureHeader = "X-Webhook-Hmac";
    public const string AlgorithmHeader = "X-Webhook-Hmac-Algorithm";

    public static readonly IReadOnlyDictionary<string, Func<byte[], byte[], byte[]>> Algorithms =
        new Dictionary<string, Func<byte[], byte[], byte[]>>(StringComparer.OrdinalIgnoreCase)
        {
            ["sha512"] = HMACSHA512.HashData,
            ["sha256"] = HMACSHA256.HashData,
        };

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);

    public WebhookSignatureVerifier(IOptions<SecurityOptions> options, TimeProvider time, WebhookReplayLog? replayLog = null)
    {
        this.options = options;
        this.time = time;
        this.replayLog = replayLog;
    }

    private bool _loaded;

    /// <summary>The ids accepted before this start, read once, at the first signed webhook (whichever secret signed it).</summary>
    private void LoadSeenIds(WebhookReplayLog log)
    {
        if (_loaded)
        {
            return;
        }

        var tolerance = options.Value.Webhooks.Tolerance;
        foreach (var (id, at) in log.Load(time.GetUtcNow() - tolerance - tolerance))
        {
            _seen.TryAdd(id, at);
        }

        _loaded = true;
    }

    public static string Sign(byte[] body, string secret, string algorithm = "sha512") =>
        Convert.ToHexString(Algorithms[algorithm](Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    /// <summary>Checks with the receiver's configured secret and algorithm (the alert-style single secret).</summary>
    public WebhookVerdict Verify(byte[] body, string? signature) =>
        Verify(body, signature, options.Value.Webhooks.Algorithm, options.Value.Webhooks.Secret);

    /// <summary>
    /// Checks a webhook signed with <paramref name="secret"/> (one gateway server's key) by the algorithm the sender names
    /// in <see cref="AlgorithmHeader"/> (WAHA always says sha512, <c>src/core/integrations/webhooks/WebhookSender.ts</c>);
    /// the configured algorithm when the sender names none. An id already accepted is <see cref="WebhookVerdict.Replayed"/>:
    /// WAHA repeats a webhook with the same body (and id) when it did not get a 2xx, so the receiver acknowledges it again.
    /// </summary>
    public WebhookVerdict Verify(byte[] body, string? signature, string? algorithm, string secret)
    {
        var webhooks = options.Value.Webhooks;
        if (string.IsNullOrEmpty(secret))
        {
            return WebhookVerdict.NotConfigured;
        }

        if (string.IsNullOrWhiteSpace(signature))
        {
            return WebhookVerdict.MissingSignature;
        }

        var named = string.IsNullOrWhiteSpace(algorithm) ? webhooks.Algorithm : algorithm.Trim();
        if (!Algorithms.ContainsKey(named))
        {
            return WebhookVerdict.BadSignature;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(body, secret, named));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.Trim().ToLowerInvariant())))
        {
            return WebhookVerdict.BadSignature;
        }

        string id;
        DateTimeOffset at;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            id = root.GetProperty("id").GetString() ?? "";
            at = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("timestamp").GetInt64());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            return WebhookVerdict.MalformedBody;
        }

        var now = time.GetUtcNow();
        if (id.Length is 0 or > 200 || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return WebhookVerdict.MalformedBody;
        }

        if ((now - at).Duration() > webhooks.Tolerance)
        {
            return WebhookVerdict.Stale;
        }

        Forget(now - webhooks.Tolerance - webhooks.Tolerance);
        if (replayLog is null)
        {
            return _seen.TryAdd(id, at) ? WebhookVerdict.Accepted : WebhookVerdict.Replayed;
        }

        // On disk before it is acted on: a restart right after cannot make it new again.
        lock (_appendLock)
        {
            LoadSeenIds(replayLog);
            if (!_seen.TryAdd(id, at))
            {
                return WebhookVerdict.Replayed;
            }

            replayLog.Append(id, at, () => _seen);
            return WebhookVerdict.Accepted;
        }
    }

    /// <summary>Ids older than twice the tolerance can never pass the timestamp check again.</summary>
    private void Forget(DateTimeOffset before)
    {
        if (_seen.Count < 1024)
        {
            return;
        }

        foreach (var (id, at) in _seen)
        {
            if (at < before)
            {
                _seen.TryRemove(id, out _);
            }
        }
    }
}
