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

/// <summary>
/// An in-test WAHA server (Kestrel on 127.0.0.1) that follows WAHA's documented session API
/// (https://waha.devlike.pro/docs/how-to/sessions/, /events/, /security/):
/// <c>GET/POST /api/sessions</c>, <c>GET/PUT/DELETE /api/sessions/{name}</c>, <c>POST /api/sessions/{name}/start|stop|restart|logout</c>,
/// <c>GET /api/sessions/{name}/me</c>, <c>GET /api/{session}/auth/qr?format=raw</c>, <c>POST /api/{session}/auth/request-code</c>,
/// <c>POST /api/sendText</c>; <c>X-Api-Key</c> or 401 <c>{"message":"Unauthorized","statusCode":401}</c>; a start goes
/// STARTING, then WORKING with a login or SCAN_QR_CODE without; QR and pairing-code calls outside SCAN_QR_CODE and a
/// send outside WORKING get WAHA's 422 <c>{error, session, status, expected}</c>; every status change is posted as a
/// <c>session.status</c> webhook to the session's configured URLs, signed with its <c>hmac.key</c> (hex HMAC-SHA512 of the
/// raw body in <c>X-Webhook-Hmac</c>, <c>X-Webhook-Hmac-Algorithm: sha512</c>), in order. Its own timing runs on real time
/// (it stands for another process). Test controls: scan, rotate the QR, fail, log out from the phone, go down and come
/// up, answer 5xx, answer slowly, drop webhooks, restart with every session in a given status.
/// </summary>
public sealed class FakeWahaServer : IAsyncDisposable
{
    public const string DefaultApiKey = "fake-waha-key-7f3a9c1e5b";
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private readonly object _lock = new();
    private readonly Dictionary<string, FakeSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<(string Method, string Path)> _requests = [];
    private readonly List<(string Session, string ChatId, string Text, string Id)> _sent = [];
    private readonly List<string> _pairingRequests = [];
    private readonly Channel<(string Url, string? Key, byte[] Body)> _deliveries = Channel.CreateUnbounded<(string, string?, byte[])>();
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly WebApplication _app;
    private readonly Task _pump;
    private int _serverErrors;
    private int _serverErrorStatus = 503;
    private long _serial;
    private TaskCompletionSource _requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class FakeSession(string name)
    {
        public string Name { get; } = name;
        public string Status { get; set; } = "STOPPED";
        public JsonObject Config { get; set; } = new();
        public bool HasLogin { get; set; }
        public string? MeId { get; set; }
        public string? PushName { get; set; }
        public string? Qr { get; set; }
        public long StartToken { get; set; }
        public List<(string Status, long At)> Statuses { get; } = [];
    }

    private FakeWahaServer(WebApplication app, string apiKey)
    {
        _app = app;
        ApiKey = apiKey;
        _pump = Task.Run(PumpWebhooksAsync);
    }

    public static async Task<FakeWahaServer> StartAsync(string apiKey = DefaultApiKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeWahaServer(app, apiKey);
        server.Map(app);
        await app.StartAsync();
        server.Url = app.Urls.Single();
        return server;
    }

    public string Url { get; private set; } = "";

    public string ApiKey { get; }

    /// <summary>The WAHA engine this server reports (<c>engine.engine</c> and in webhooks).</summary>
    public string Engine { get; set; } = "WEBJS";

    /// <summary>How long a start stays STARTING before it reaches WORKING or SCAN_QR_CODE.</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>Every answer is held back this long (the wait ends if the caller gives up).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Webhooks are not delivered (a lost webhook).</summary>
    public bool DropWebhooks { get; set; }

    /// <summary>While down, every connection is accepted and dropped without an answer.</summary>
    public bool IsDown { get; private set; }

    public int WebhooksDelivered { get; private set; }

    private int _webhooksQueued;
    private int _webhooksDone;

    /// <summary>Waits (up to 10 s) until every webhook queued so far has been posted and answered.</summary>
    public async Task WebhooksSettledAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref _webhooksDone) < Volatile.Read(ref _webhooksQueued))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Webhooks are still being delivered after 10 s.");
            }

            await Task.Delay(10);
        }
    }

    // ------------------------------------------------------------------ test controls

    public void GoDown() => IsDown = true;

    /// <summary>The server process is gone: nothing listens on its port any more (connections are refused).</summary>
    public Task VanishAsync() => _app.StopAsync();

    public void ComeUp() => IsDown = false;

    /// <summary>The next <paramref name="count"/> requests get a 5xx.</summary>
    public void AnswerServerErrors(int count, int status = 503)
    {
        lock (_lock)
        {
            _serverErrors = count;
            _serverErrorStatus = status;
        }
    }

    /// <summary>A session that already exists on the server (as after an earlier run).</summary>
    public void AddSession(string name, string status, bool hasLogin, IDictionary<string, string>? metadata = null, string? meId = null)
    {
        lock (_lock)
        {
            var session = new FakeSession(name) { Status = status, HasLogin = hasLogin };
            if (metadata is not null)
            {
                var meta = new JsonObject();
                foreach (var (key, value) in metadata)
                {
                    meta[key] = value;
                }

                session.Config["metadata"] = meta;
            }

            if (hasLogin)
            {
                session.MeId = meId ?? "972500000001@c.us";
                session.PushName = "Clinic phone";
            }

            if (status == "SCAN_QR_CODE")
            {
                session.Qr = NewQr();
            }

            _sessions[name] = session;
        }
    }

    /// <summary>The phone scans the QR on screen (or confirms the pairing code): the session logs in and is WORKING.</summary>
    public void Scan(string name, string phoneDigits = "972500000001", string pushName = "Clinic phone")
    {
        lock (_lock)
        {
            var session = Get(name);
            if (session.Status != "SCAN_QR_CODE")
            {
                throw new InvalidOperationException($"{name} is {session.Status}; only a session in SCAN_QR_CODE can be scanned.");
            }

            session.HasLogin = true;
            session.MeId = $"{phoneDigits}@c.us";
            session.PushName = pushName;
            session.Qr = null;
            SetStatus(session, "WORKING");
        }
    }

    /// <summary>WhatsApp gives a new QR ref: a new value, and WAHA repeats SCAN_QR_CODE.</summary>
    public void RotateQr(string name)
    {
        lock (_lock)
        {
            var session = Get(name);
            if (session.Status != "SCAN_QR_CODE")
            {
                throw new InvalidOperationException($"{name} is {session.Status}; there is no QR to rotate.");
            }

            session.Qr = NewQr();
            SetStatus(session, "SCAN_QR_CODE", force: true);
        }
    }

    public void Fail(string name)
    {
        lock (_lock)
        {
            SetStatus(Get(name), "FAILED");
        }
    }

    /// <summary>The device is unlinked on the phone: the login is gone and the session FAILED.</summary>
    public void LogoutFromPhone(string name)
    {
        lock (_lock)
        {
            var session = Get(name);
            session.HasLogin = false;
            session.MeId = null;
            session.PushName = null;
            SetStatus(session, "FAILED");
        }
    }

    /// <summary>Someone stops the session on the server (its dashboard, another script).</summary>
    public void StopOnServer(string name)
    {
        lock (_lock)
        {
            var session = Get(name);
            session.StartToken++;
            session.Qr = null;
            SetStatus(session, "STOPPED");
        }
    }

    /// <summary>The server forgets the session without a word (deleted by hand, storage lost).</summary>
    public void Forget(string name)
    {
        lock (_lock)
        {
            _sessions.Remove(name);
        }
    }

    /// <summary>The server restarts: every session that was running comes back in <paramref name="sessionsIn"/>, without webhooks (nobody was listening).</summary>
    public void Restart(string sessionsIn = "FAILED")
    {
        lock (_lock)
        {
            foreach (var session in _sessions.Values.Where(s => s.Status != "STOPPED"))
            {
                session.StartToken++;
                session.Qr = null;
                session.Status = sessionsIn;
                session.Statuses.Add((sessionsIn, NowMs()));
            }
        }
    }

    /// <summary>The recipient's phone acknowledges a sent message (a <c>message.ack</c> webhook).</summary>
    public void Ack(string messageId, string ackName = "DEVICE")
    {
        lock (_lock)
        {
            var sent = _sent.Single(m => m.Id == messageId);
            var session = Get(sent.Session);
            var ack = Array.IndexOf(new[] { "ERROR", "PENDING", "SERVER", "DEVICE", "READ", "PLAYED" }, ackName) - 1;
            Deliver(session, "message.ack", new JsonObject
            {
                ["id"] = messageId,
                ["from"] = sent.ChatId,
                ["participant"] = null,
                ["fromMe"] = true,
                ["ack"] = ack,
                ["ackName"] = ackName,
            });
        }
    }

    // ------------------------------------------------------------------ what the server saw

    public string? Status(string name)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(name, out var session) ? session.Status : null;
        }
    }

    public bool HasLogin(string name)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(name, out var session) && session.HasLogin;
        }
    }

    public JsonObject? Config(string name)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(name, out var session) ? (JsonObject)session.Config.DeepClone() : null;
        }
    }

    /// <summary>How many requests matched <paramref name="method"/> and exactly <paramref name="path"/> (query included).</summary>
    public int Count(string method, string path)
    {
        lock (_lock)
        {
            return _requests.Count(r => r.Method == method && r.Path == path);
        }
    }

    public int RequestCount
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    public IReadOnlyList<(string Session, string ChatId, string Text, string Id)> SentTexts
    {
        get
        {
            lock (_lock)
            {
                return _sent.ToList();
            }
        }
    }

    public IReadOnlyList<string> PairingRequests
    {
        get
        {
            lock (_lock)
            {
                return _pairingRequests.ToList();
            }
        }
    }

    /// <summary>Completes when the next request arrives.</summary>
    public Task NextRequest()
    {
        lock (_lock)
        {
            if (_requestArrived.Task.IsCompleted)
            {
                _requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _requestArrived.Task;
        }
    }

    /// <summary>Waits (polling the server's own state, up to 10 s) until the session reaches <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string name, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Status(name) != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} is {Status(name) ?? "missing"}, never reached {status}.");
            }

            await Task.Delay(10);
        }
    }

    // ------------------------------------------------------------------ the API

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            lock (_lock)
            {
                _requests.Add((context.Request.Method, context.Request.Path + context.Request.QueryString));
                _requestArrived.TrySetResult();
            }

            if (IsDown)
            {
                context.Abort();
                return;
            }

            if (Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            int? serverError = null;
            lock (_lock)
            {
                if (_serverErrors > 0)
                {
                    _serverErrors--;
                    serverError = _serverErrorStatus;
                }
            }

            if (serverError is { } status)
            {
                await Json(new JsonObject { ["statusCode"] = status, ["message"] = "Service Unavailable" }, status).ExecuteAsync(context);
                return;
            }

            if (context.Request.Headers["X-Api-Key"].ToString() != ApiKey)
            {
                await Json(new JsonObject { ["message"] = "Unauthorized", ["statusCode"] = 401 }, 401).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        app.MapGet("/api/sessions", (HttpRequest request) =>
        {
            var all = string.Equals(request.Query["all"], "true", StringComparison.OrdinalIgnoreCase);
            lock (_lock)
            {
                return Json(new JsonArray(_sessions.Values.Where(s => all || s.Status != "STOPPED").Select(Dto).ToArray<JsonNode?>()));
            }
        });

        app.MapPost("/api/sessions", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            var name = body?["name"]?.GetValue<string>() ?? $"session_{Interlocked.Increment(ref _serial)}";
            lock (_lock)
            {
                if (_sessions.ContainsKey(name))
                {
                    return Json(new JsonObject { ["statusCode"] = 422, ["message"] = $"Session '{name}' already exists. Use PUT to update it.", ["error"] = "Unprocessable Entity" }, 422);
                }

                var session = new FakeSession(name) { Config = body?["config"] as JsonObject is { } config ? (JsonObject)config.DeepClone() : new JsonObject() };
                _sessions[name] = session;
                if (body?["start"]?.GetValue<bool>() ?? true)
                {
                    Start(session);
                }

                return Json(Dto(session), 201);
            }
        });

        app.MapGet("/api/sessions/{name}", (string name) =>
        {
            lock (_lock)
            {
                return _sessions.TryGetValue(name, out var session) ? Json(Dto(session)) : NotFound(name);
            }
        });

        app.MapPut("/api/sessions/{name}", async (string name, HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                session.Config = body?["config"] as JsonObject is { } config ? (JsonObject)config.DeepClone() : new JsonObject();
                if (session.Status != "STOPPED")
                {
                    Stop(session);
                    Start(session);
                }

                return Json(Dto(session));
            }
        });

        app.MapDelete("/api/sessions/{name}", (string name) =>
        {
            lock (_lock)
            {
                if (_sessions.Remove(name, out var session))
                {
                    session.StartToken++;
                }

                return Results.Ok();
            }
        });

        app.MapPost("/api/sessions/{name}/{action}", (string name, string action) =>
        {
            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                switch (action)
                {
                    case "start":
                        if (session.Status is "STOPPED" or "FAILED")
                        {
                            Start(session);
                        }

                        break;
                    case "stop":
                        if (session.Status != "STOPPED")
                        {
                            Stop(session);
                        }

                        break;
                    case "restart":
                        if (session.Status != "STOPPED")
                        {
                            Stop(session);
                        }

                        Start(session);
                        break;
                    case "logout":
                        session.HasLogin = false;
                        session.MeId = null;
                        session.PushName = null;
                        if (session.Status != "STOPPED")
                        {
                            // WAHA: a running session is logged out and started from scratch.
                            Stop(session);
                            Start(session);
                        }

                        break;
                    default:
                        return Results.NotFound();
                }

                return Json(Dto(session), 201);
            }
        });

        app.MapGet("/api/sessions/{name}/me", (string name) =>
        {
            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                return Json(session.Status == "WORKING" ? Me(session) : null);
            }
        });

        app.MapGet("/api/{session}/auth/qr", (string session, HttpRequest request) =>
        {
            lock (_lock)
            {
                if (!_sessions.TryGetValue(session, out var found))
                {
                    return NotFound(session);
                }

                if (found.Status != "SCAN_QR_CODE" || found.Qr is null)
                {
                    return NotAsExpected(found, "SCAN_QR_CODE");
                }

                return request.Query["format"] == "raw"
                    ? Json(new JsonObject { ["value"] = found.Qr })
                    : Results.Bytes(Encoding.UTF8.GetBytes(found.Qr), "image/png");
            }
        });

        app.MapPost("/api/{session}/auth/request-code", async (string session, HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            lock (_lock)
            {
                if (!_sessions.TryGetValue(session, out var found))
                {
                    return NotFound(session);
                }

                if (found.Status != "SCAN_QR_CODE")
                {
                    return NotAsExpected(found, "SCAN_QR_CODE");
                }

                var phone = body?["phoneNumber"]?.GetValue<string>() ?? "";
                if (phone.Length == 0 || !phone.All(char.IsAsciiDigit))
                {
                    return Json(new JsonObject { ["statusCode"] = 400, ["message"] = new JsonArray("phoneNumber must be digits"), ["error"] = "Bad Request" }, 400);
                }

                _pairingRequests.Add(phone);
                const string alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
                var code = new string(Enumerable.Range(0, 8).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
                return Json(new JsonObject { ["code"] = $"{code[..4]}-{code[4..]}" });
            }
        });

        app.MapPost("/api/sendText", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            var name = body?["session"]?.GetValue<string>() ?? "default";
            var chatId = body?["chatId"]?.GetValue<string>() ?? "";
            var text = body?["text"]?.GetValue<string>() ?? "";
            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                if (session.Status != "WORKING")
                {
                    return NotAsExpected(session, "WORKING");
                }

                var key = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                var serialized = $"true_{chatId}_{key}";
                _sent.Add((name, chatId, text, serialized));
                // The WEBJS shape: the message with its id object.
                return Json(new JsonObject
                {
                    ["id"] = new JsonObject { ["fromMe"] = true, ["remote"] = chatId, ["id"] = key, ["_serialized"] = serialized },
                    ["body"] = text,
                    ["type"] = "chat",
                    ["timestamp"] = NowMs() / 1000,
                    ["from"] = session.MeId,
                    ["to"] = chatId,
                    ["ack"] = 0,
                }, 201);
            }
        });
    }

    // ------------------------------------------------------------------ session life (under _lock)

    private void Start(FakeSession session)
    {
        var token = ++session.StartToken;
        SetStatus(session, "STARTING");
        _background.Add(Task.Run(async () =>
        {
            try
            {
                await Task.Delay(StartDelay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_lock)
            {
                if (session.StartToken != token || session.Status != "STARTING" || !_sessions.ContainsKey(session.Name))
                {
                    return;
                }

                if (session.HasLogin)
                {
                    SetStatus(session, "WORKING");
                }
                else
                {
                    session.Qr = NewQr();
                    SetStatus(session, "SCAN_QR_CODE");
                }
            }
        }));
    }

    private void Stop(FakeSession session)
    {
        session.StartToken++;
        session.Qr = null;
        SetStatus(session, "STOPPED");
    }

    private void SetStatus(FakeSession session, string status, bool force = false)
    {
        if (session.Status == status && !force)
        {
            return;
        }

        session.Status = status;
        session.Statuses.Add((status, NowMs()));
        var recent = new JsonArray(session.Statuses.TakeLast(3).Select(s => (JsonNode)new JsonObject { ["status"] = s.Status, ["timestamp"] = s.At }).ToArray());
        Deliver(session, "session.status", new JsonObject { ["status"] = status, ["statuses"] = recent, ["data"] = null });
    }

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

    /// <summary>One delivery at a time, in order, as the events happened.</summary>
    private async Task PumpWebhooksAsync()
    {
        try
        {
            await foreach (var (url, key, body) in _deliveries.Reader.ReadAllAsync(_stopping.Token))
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

                try
                {
                    using var response = await _webhookClient.SendAsync(request, _stopping.Token);
                    WebhooksDelivered++;
                }
                catch (HttpRequestException)
                {
                    // The receiver is gone; WAHA would retry, the fake moves on.
                }
                finally
                {
                    Interlocked.Increment(ref _webhooksDone);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // ------------------------------------------------------------------ shapes

    private FakeSession Get(string name) =>
        _sessions.TryGetValue(name, out var session) ? session : throw new InvalidOperationException($"The fake WAHA server has no session {name}.");

    private JsonObject Dto(FakeSession session) => new()
    {
        ["name"] = session.Name,
        ["status"] = session.Status,
        ["config"] = session.Config.DeepClone(),
        ["me"] = session.Status == "WORKING" ? Me(session) : null,
        ["engine"] = new JsonObject { ["engine"] = Engine },
    };

    private static JsonObject? Me(FakeSession session) =>
        session.MeId is null ? null : new JsonObject { ["id"] = session.MeId, ["pushName"] = session.PushName };

    private static IResult NotFound(string name) =>
        Json(new JsonObject { ["statusCode"] = 404, ["message"] = $"Session \"{name}\" does not exist", ["error"] = "Not Found" }, 404);

    /// <summary>WAHA's answer when a call needs another session status (SessionManager.waitUntilStatus).</summary>
    private static IResult NotAsExpected(FakeSession session, string expected) =>
        Json(new JsonObject
        {
            ["error"] = "Session status is not as expected. Try again later or restart the session",
            ["session"] = session.Name,
            ["status"] = session.Status,
            ["expected"] = new JsonArray(expected),
        }, 422);

    private static IResult Json(JsonNode? node, int status = 200) =>
        Results.Text(node?.ToJsonString(Compact) ?? "null", "application/json", Encoding.UTF8, status);

    private static async Task<JsonNode?> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static string NewQr() =>
        $"2@{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))},{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))},{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))},1";

    /// <summary>A lower-case ULID-like id (26 Crockford base-32 characters), as WAHA's event ids.</summary>
    private static string Ulid()
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        return new string(Enumerable.Range(0, 26).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async ValueTask DisposeAsync()
    {
        _deliveries.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _pump;
        Task[] background;
        lock (_lock)
        {
            background = _background.ToArray();
        }

        await Task.WhenAll(background);
        await _app.StopAsync();
        await _app.DisposeAsync();
        _webhookClient.Dispose();
        _stopping.Dispose();
    }
}
