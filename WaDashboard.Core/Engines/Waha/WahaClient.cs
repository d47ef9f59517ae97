using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// Typed HTTP client for one WAHA server. Every call carries <c>X-Api-Key</c> and its own timeout
/// (<see cref="GatewayOptions.RequestTimeout"/>); reads (GET) are retried <see cref="GatewayOptions.Retries"/> times on a
/// network error, a timeout or a 5xx, after a short jittered pause; nothing else is ever retried. A circuit breaker per
/// server (<see cref="GatewayOptions.BreakerThreshold"/> failed attempts in a row) refuses calls for
/// <see cref="GatewayOptions.BreakerOpenFor"/>, then lets one trial through. Failures surface as <see cref="WahaException"/>s
/// naming the server, the method, the path and the status.
/// </summary>
public sealed class WahaClient
{
    private const string ApiKeyHeader = "X-Api-Key";
    private readonly GatewayServerOptions _server;
    private readonly GatewayOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _baseUri;
    private readonly WahaCircuitBreaker _breaker;
    private readonly object _healthLock = new();
    private DateTimeOffset? _lastContact;
    private string? _lastError;
    private bool _contacted;

    public WahaClient(GatewayServerOptions server, GatewayOptions options, HttpClient http, TimeProvider time, ILogger logger)
    {
        _server = server;
        _options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _baseUri = new Uri(server.Url.EndsWith('/') ? server.Url : server.Url + "/", UriKind.Absolute);
        _breaker = new WahaCircuitBreaker(options.BreakerThreshold, options.BreakerOpenFor, time);
    }

    public string ServerId => _server.Id;

    /// <summary>The pause before retry <c>n</c> (1-based) of a read; jittered. Tests may shorten it.</summary>
    internal Func<int, TimeSpan> RetryDelay { get; set; } = attempt => TimeSpan.FromMilliseconds(Random.Shared.Next(50, 150) * attempt);

    public GatewayReachability State
    {
        get
        {
            if (_breaker.IsOpen)
            {
                return GatewayReachability.BreakerOpen;
            }

            lock (_healthLock)
            {
                if (_breaker.ConsecutiveFailures > 0)
                {
                    return GatewayReachability.Failing;
                }

                return _contacted ? GatewayReachability.Up : GatewayReachability.Unknown;
            }
        }
    }

    public bool BreakerOpen => _breaker.IsOpen;

    public int ConsecutiveFailures => _breaker.ConsecutiveFailures;

    /// <summary>When the server last answered (any HTTP status).</summary>
    public DateTimeOffset? LastContact
    {
        get
        {
            lock (_healthLock)
            {
                return _lastContact;
            }
        }
    }

    /// <summary>The last failure or refusal, or null after a success.</summary>
    public string? LastError
    {
        get
        {
            lock (_healthLock)
            {
                return _lastError;
            }
        }
    }

    // --- sessions (https://waha.devlike.pro/docs/how-to/sessions/) ---

    /// <summary><c>GET /api/sessions?all=true</c>: every session, STOPPED included.</summary>
    public async Task<IReadOnlyList<WahaSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Get, "api/sessions?all=true", null, cancellationToken);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray().Select(WahaSessionInfo.From).ToList()
            : [];
    }

    /// <summary><c>GET /api/sessions/{name}</c>; null when the server has no such session (404).</summary>
    public async Task<WahaSessionInfo?> GetSessionAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await SendJsonAsync(HttpMethod.Get, $"api/sessions/{Escape(name)}", null, cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object ? WahaSessionInfo.From(document.RootElement) : null;
        }
        catch (WahaApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary><c>POST /api/sessions</c> with <c>{name, start, config}</c>.</summary>
    public async Task<WahaSessionInfo> CreateSessionAsync(string name, JsonObject config, bool start, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["name"] = name, ["start"] = start, ["config"] = config };
        using var document = await SendJsonAsync(HttpMethod.Post, "api/sessions", body, cancellationToken);
        return SessionOrName(document, name);
    }

    /// <summary><c>PUT /api/sessions/{name}</c> with the full new <c>config</c> (a running session is restarted by WAHA).</summary>
    public async Task<WahaSessionInfo> UpdateSessionAsync(string name, JsonObject config, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = config };
        using var document = await SendJsonAsync(HttpMethod.Put, $"api/sessions/{Escape(name)}", body, cancellationToken);
        return SessionOrName(document, name);
    }

    public Task<WahaSessionInfo> StartAsync(string name, CancellationToken cancellationToken) => SessionActionAsync(name, "start", cancellationToken);

    public Task<WahaSessionInfo> StopAsync(string name, CancellationToken cancellationToken) => SessionActionAsync(name, "stop", cancellationToken);

    public Task<WahaSessionInfo> RestartAsync(string name, CancellationToken cancellationToken) => SessionActionAsync(name, "restart", cancellationToken);

    /// <summary><c>POST /api/sessions/{name}/logout</c>: removes the login (a running session starts again from scratch).</summary>
    public Task<WahaSessionInfo> LogoutAsync(string name, CancellationToken cancellationToken) => SessionActionAsync(name, "logout", cancellationToken);

    /// <summary><c>DELETE /api/sessions/{name}</c>: stops, logs out and removes the session.</summary>
    public async Task DeleteSessionAsync(string name, CancellationToken cancellationToken)
    {
        using var _ = await SendJsonAsync(HttpMethod.Delete, $"api/sessions/{Escape(name)}", null, cancellationToken);
    }

    /// <summary><c>GET /api/sessions/{name}/me</c>; null when the session is not authenticated.</summary>
    public async Task<WahaMe?> GetMeAsync(string name, CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Get, $"api/sessions/{Escape(name)}/me", null, cancellationToken);
        return WahaMe.From(document.RootElement);
    }

    // --- auth ---

    /// <summary><c>GET /api/{session}/auth/qr?format=raw</c> → <c>{value}</c> (422 unless the session is in SCAN_QR_CODE).</summary>
    public async Task<string> GetQrValueAsync(string name, CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Get, $"api/{Escape(name)}/auth/qr?format=raw", null, cancellationToken);
        return WahaJson.String(document.RootElement, "value") is { Length: > 0 } value
            ? value
            : throw new WahaApiException(ServerId, "GET", $"/api/{name}/auth/qr?format=raw", HttpStatusCode.OK, "the answer holds no QR value");
    }

    /// <summary><c>POST /api/{session}/auth/request-code</c> with <c>{phoneNumber}</c> → <c>{code: "ABCD-EFGH"}</c>.</summary>
    public async Task<string> RequestCodeAsync(string name, string phoneDigits, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["phoneNumber"] = phoneDigits };
        using var document = await SendJsonAsync(HttpMethod.Post, $"api/{Escape(name)}/auth/request-code", body, cancellationToken);
        return WahaJson.String(document.RootElement, "code") is { Length: > 0 } code
            ? code
            : throw new WahaApiException(ServerId, "POST", $"/api/{name}/auth/request-code", HttpStatusCode.OK, "the answer holds no code");
    }

    // --- messages ---

    /// <summary><c>POST /api/sendText</c> with <c>{session, chatId, text}</c>; never retried. The answer's JSON (cloned).</summary>
    public async Task<JsonElement> SendTextAsync(string session, string chatId, string text, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["session"] = session, ["chatId"] = chatId, ["text"] = text };
        using var document = await SendJsonAsync(HttpMethod.Post, "api/sendText", body, cancellationToken);
        return document.RootElement.Clone();
    }

    private async Task<WahaSessionInfo> SessionActionAsync(string name, string action, CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Post, $"api/sessions/{Escape(name)}/{action}", null, cancellationToken);
        return SessionOrName(document, name);
    }

    private static WahaSessionInfo SessionOrName(JsonDocument document, string name) =>
        document.RootElement.ValueKind == JsonValueKind.Object && WahaSessionInfo.From(document.RootElement) is { Status.Length: > 0 } info
            ? info
            : new WahaSessionInfo(name, "", null, null, new Dictionary<string, string>());

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>
    /// One call, with retries for GETs. The body is parsed as JSON (an empty body reads as JSON null). Only the breaker,
    /// a timeout, the network or a non-success status make it throw.
    /// </summary>
    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, string relative, JsonNode? body, CancellationToken cancellationToken)
    {
        var path = "/" + relative;
        var idempotent = method == HttpMethod.Get;
        var attempts = idempotent ? 1 + Math.Max(0, _options.Retries) : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var text = await SendOnceAsync(method, relative, path, body, cancellationToken);
                return text.Length == 0 ? JsonDocument.Parse("null") : ParseOrNull(text);
            }
            catch (WahaException ex) when (idempotent && attempt < attempts && IsTransient(ex) && !_breaker.IsOpen)
            {
                var delay = RetryDelay(attempt);
                _logger.LogDebug("Gateway {ServerId}: {Method} {Path} failed ({Error}); retry {Attempt} of {Retries} in {Delay} ms",
                    ServerId, method.Method, path, ex.Message, attempt, attempts - 1, (int)delay.TotalMilliseconds);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, cancellationToken);
                }
            }
        }
    }

    private static JsonDocument ParseOrNull(string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return JsonDocument.Parse("null");
        }
    }

    private static bool IsTransient(WahaException ex) =>
        ex is WahaTimeoutException or WahaUnreachableException || ex is WahaApiException { IsServerError: true };

    private async Task<string> SendOnceAsync(HttpMethod method, string relative, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        if (!_breaker.TryEnter(out var trial, out var openUntil))
        {
            throw new WahaBreakerOpenException(ServerId, method.Method, path, openUntil, _breaker.ConsecutiveFailures, LastError);
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(_baseUri, relative));
            request.Headers.Add(ApiKeyHeader, _server.ApiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var text = await response.Content.ReadAsStringAsync(linked.Token);
            if ((int)response.StatusCode >= 500)
            {
                var error = new WahaApiException(ServerId, method.Method, path, response.StatusCode, text);
                Failed(error, trial, answered: true);
                throw error;
            }

            Answered();
            _breaker.OnSuccess();
            if (!response.IsSuccessStatusCode)
            {
                var error = new WahaApiException(ServerId, method.Method, path, response.StatusCode, text);
                // A refused key is worth showing on the server's health; other refusals are about one session.
                Remember(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? error.Message : null);

                throw error;
            }

            Remember(null);
            return text;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var error = new WahaTimeoutException(ServerId, method.Method, path, _options.RequestTimeout);
            Failed(error, trial, answered: false);
            throw error;
        }
        catch (HttpRequestException ex)
        {
            // No connection at all (refused, name not resolved, TLS): the request never left; anything else may have reached it.
            var neverSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
            var error = new WahaUnreachableException(ServerId, method.Method, path, !neverSent, ex);
            Failed(error, trial, answered: false);
            throw error;
        }
        catch (OperationCanceledException)
        {
            _breaker.OnAbandoned(trial);
            throw;
        }
    }

    private void Failed(WahaException error, bool trial, bool answered)
    {
        if (answered)
        {
            Answered();
        }

        Remember(error.Message);
        if (_breaker.OnFailure(trial))
        {
            _logger.LogWarning("Gateway {ServerId}: circuit breaker open for {OpenFor} after {Failures} failed calls in a row; last: {Error}",
                ServerId, _options.BreakerOpenFor, _breaker.ConsecutiveFailures, error.Message);
        }
    }

    private void Answered()
    {
        lock (_healthLock)
        {
            _contacted = true;
            _lastContact = _time.GetUtcNow();
        }
    }

    private void Remember(string? error)
    {
        lock (_healthLock)
        {
            _lastError = error;
        }
    }
}
