using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// Typed HTTP client for one WAHA server. Every call carries <c>X-Api-Key</c> and goes through the server's resilience
/// pipeline (<see cref="WahaResilience"/>, Polly): a timeout per <see cref="WahaCallKind"/> (reads, session control, and
/// the calls WAHA holds up to 15 s while it waits for a session status), retries for reads only, and a circuit breaker
/// that counts only transport failures, timeouts and 5xx answers. WAHA's 4xx answers (422 "not as expected", 404) are
/// answers: they surface as <see cref="WahaApiException"/>s and never count against the server.
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
    private readonly CircuitBreakerStateProvider _breaker = new();
    private readonly ResiliencePipeline<WahaAnswer> _pipeline;
    private readonly object _healthLock = new();
    private DateTimeOffset? _lastContact;
    private DateTimeOffset _openUntil;
    private string? _lastError;
    private bool _contacted;
    private int _consecutiveFailures;

    public WahaClient(GatewayServerOptions server, GatewayOptions options, HttpClient http, TimeProvider time, ILogger logger)
    {
        _server = server;
        _options = options;
        _http = http;
        _time = time;
        _logger = logger;
        _baseUri = new Uri(server.Url.EndsWith('/') ? server.Url : server.Url + "/", UriKind.Absolute);
        _pipeline = WahaResilience.Build(options, time, _breaker, Judged, Opened, attempt => RetryDelay(attempt));
    }

    public string ServerId => _server.Id;

    /// <summary>The pause before retry <c>n</c> (1-based) of a read; jittered. Tests may shorten it.</summary>
    internal Func<int, TimeSpan> RetryDelay { get; set; } = attempt => TimeSpan.FromMilliseconds(Random.Shared.Next(50, 150) * attempt);

    public GatewayReachability State
    {
        get
        {
            if (BreakerOpen)
            {
                return GatewayReachability.BreakerOpen;
            }

            lock (_healthLock)
            {
                if (_consecutiveFailures > 0)
                {
                    return GatewayReachability.Failing;
                }

                return _contacted ? GatewayReachability.Up : GatewayReachability.Unknown;
            }
        }
    }

    /// <summary>The breaker refuses calls (open; half-open while its one trial call is out counts as closed).</summary>
    public bool BreakerOpen => _breaker.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>Server failures (transport, timeout, 5xx) in a row; any other answer resets it.</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_healthLock)
            {
                return _consecutiveFailures;
            }
        }
    }

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
        using var document = await SendJsonAsync(HttpMethod.Get, $"api/sessions/{Escape(name)}/me", null, cancellationToken, WahaCallKind.Waiting);
        return WahaMe.From(document.RootElement);
    }

    // --- auth ---

    /// <summary><c>GET /api/{session}/auth/qr?format=raw</c> → <c>{value}</c> (422 unless the session is in SCAN_QR_CODE).</summary>
    public async Task<string> GetQrValueAsync(string name, CancellationToken cancellationToken)
    {
        using var document = await SendJsonAsync(HttpMethod.Get, $"api/{Escape(name)}/auth/qr?format=raw", null, cancellationToken, WahaCallKind.Waiting);
        return WahaJson.String(document.RootElement, "value") is { Length: > 0 } value
            ? value
            : throw new WahaApiException(ServerId, "GET", $"/api/{name}/auth/qr?format=raw", HttpStatusCode.OK, "the answer holds no QR value");
    }

    /// <summary><c>POST /api/{session}/auth/request-code</c> with <c>{phoneNumber}</c> → <c>{code: "ABCD-EFGH"}</c>.</summary>
    public async Task<string> RequestCodeAsync(string name, string phoneDigits, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["phoneNumber"] = phoneDigits };
        using var document = await SendJsonAsync(HttpMethod.Post, $"api/{Escape(name)}/auth/request-code", body, cancellationToken, WahaCallKind.Waiting);
        return WahaJson.String(document.RootElement, "code") is { Length: > 0 } code
            ? code
            : throw new WahaApiException(ServerId, "POST", $"/api/{name}/auth/request-code", HttpStatusCode.OK, "the answer holds no code");
    }

    // --- messages ---

    /// <summary><c>POST /api/sendText</c> with <c>{session, chatId, text}</c>; never retried. The answer's JSON (cloned).</summary>
    public async Task<JsonElement> SendTextAsync(string session, string chatId, string text, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["session"] = session, ["chatId"] = chatId, ["text"] = text };
        using var document = await SendJsonAsync(HttpMethod.Post, "api/sendText", body, cancellationToken, WahaCallKind.Waiting);
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
    /// One call through the pipeline. The body is parsed as JSON (an empty body reads as JSON null). Only an open breaker,
    /// a timeout, the network or a non-success status make it throw.
    /// </summary>
    private async Task<JsonDocument> SendJsonAsync(HttpMethod method, string relative, JsonNode? body, CancellationToken cancellationToken, WahaCallKind? kind = null)
    {
        var path = "/" + relative;
        var callKind = kind ?? (method == HttpMethod.Get ? WahaCallKind.Read : WahaCallKind.Control);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(WahaResilience.Kind, callKind);
        WahaAnswer answer;
        try
        {
            answer = await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Client.SendOnceAsync(state.Method, state.Relative, state.Body, ctx.CancellationToken),
                context,
                (Client: this, Method: method, Relative: relative, Body: body));
        }
        catch (BrokenCircuitException)
        {
            throw new WahaBreakerOpenException(ServerId, method.Method, path, OpenUntil, ConsecutiveFailures, LastError);
        }
        catch (TimeoutRejectedException)
        {
            var error = new WahaTimeoutException(ServerId, method.Method, path, WahaResilience.TimeoutFor(callKind, _options));
            Remember(error.Message);
            throw error;
        }
        catch (HttpRequestException ex)
        {
            // No connection at all (refused, name not resolved, TLS): the request never left; anything else may have reached it.
            var neverSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;
            var error = new WahaUnreachableException(ServerId, method.Method, path, !neverSent, ex);
            Remember(error.Message);
            throw error;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (answer.Status is < HttpStatusCode.OK or >= HttpStatusCode.Ambiguous)
        {
            var error = new WahaApiException(ServerId, method.Method, path, answer.Status, answer.Body);
            // A refused key or a failing server is worth showing on the server's health; other refusals are about one session.
            Remember(answer.IsServerError || answer.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? error.Message : null);
            throw error;
        }

        Remember(null);
        return answer.Body.Length == 0 ? JsonDocument.Parse("null") : ParseOrNull(answer.Body);
    }

    private DateTimeOffset OpenUntil
    {
        get
        {
            lock (_healthLock)
            {
                return _openUntil;
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

    private async ValueTask<WahaAnswer> SendOnceAsync(HttpMethod method, string relative, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_baseUri, relative));
        request.Headers.Add(ApiKeyHeader, _server.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Answered();
        return new WahaAnswer(response.StatusCode, text);
    }

    /// <summary>The breaker judged one outcome: a server failure, or an answer.</summary>
    private void Judged(bool failed)
    {
        lock (_healthLock)
        {
            _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
        }
    }

    private void Opened(TimeSpan openFor)
    {
        lock (_healthLock)
        {
            _openUntil = _time.GetUtcNow() + openFor;
        }

        _logger.LogWarning("Gateway {ServerId}: circuit breaker open for {OpenFor} after {Failures} failed calls in a row; last: {Error}",
            ServerId, openFor, ConsecutiveFailures, LastError);
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
