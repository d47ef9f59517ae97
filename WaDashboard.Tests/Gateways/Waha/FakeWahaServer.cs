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
/// An in-test WAHA server (Kestrel on 127.0.0.1) that behaves as WAHA's source does, per engine (NOWEB, WEBJS, GOWS) and
/// tier (Core holds only the session "default"). Each behaviour names the WAHA file it follows (the 2025–2026 code of
/// devlikeapro/waha and the forks that merge its core). Its documented waits (5 s for a session to run, 10 s for a status,
/// webhook retries 2 s apart) run on the injected clock; a session's start (the engine booting) runs in real time, as
/// another process would. Test controls: scan, rotate or expire the QR, fail, log out from the phone, go down and come
/// up, answer 5xx, answer slowly, drop webhooks, restart with every session in a given status.
/// </summary>
public sealed partial class FakeWahaServer : IAsyncDisposable
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

    /// <summary>Completed (and replaced) at every status change: what WAHA's waits wake up on.</summary>
    private TaskCompletionSource _statusChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

        /// <summary>QR codes shown in this start (NOWEB ends the link after the 6th).</summary>
        public int QrCount { get; set; }
    }

    private FakeWahaServer(WebApplication app, string apiKey, TimeProvider time)
    {
        _app = app;
        ApiKey = apiKey;
        Time = time;
        _pump = Task.Run(PumpWebhooksAsync);
    }

    /// <param name="apiKey">The WAHA_API_KEY.</param>
    /// <param name="time">The clock of WAHA's waits and webhook retries (the system clock unless given).</param>
    /// <param name="engine">NOWEB, WEBJS or GOWS.</param>
    /// <param name="core">WAHA Core: only the session "default" (src/core/manager.core.ts, OnlyDefaultSessionIsAllowed).</param>
    public static async Task<FakeWahaServer> StartAsync(string apiKey = DefaultApiKey, TimeProvider? time = null, string engine = "WEBJS", bool core = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeWahaServer(app, apiKey, time ?? TimeProvider.System) { Engine = engine, IsCore = core };
        server.Map(app);
        await app.StartAsync();
        server.Url = app.Urls.Single();
        return server;
    }

    public string Url { get; private set; } = "";

    public string ApiKey { get; }

    /// <summary>The WAHA engine this server runs (<c>engine.engine</c> of one session, and in webhooks).</summary>
    public string Engine { get; set; } = "WEBJS";

    /// <summary>WAHA Core: any session name but "default" is refused with 422 (src/core/manager.core.ts).</summary>
    public bool IsCore { get; set; }

    /// <summary>The clock of WAHA's waits and webhook retries.</summary>
    public TimeProvider Time { get; }

    /// <summary>The webhook receiver's answers are ignored for this many deliveries: they count as non-2xx (WAHA retries).</summary>
    public int FailWebhookAnswers { get; set; }

    /// <summary>Every webhook POST made, retries included: (event id, attempt, HTTP status or 0 for no answer).</summary>
    public IReadOnlyList<(string Id, int Attempt, int Status)> WebhookAttempts
    {
        get
        {
            lock (_lock)
            {
                return _webhookAttempts.ToList();
            }
        }
    }

    private readonly List<(string Id, int Attempt, int Status)> _webhookAttempts = [];

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
                session.QrCount = 1;
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

    /// <summary>
    /// WhatsApp gives the next QR ref: a new value, and WAHA repeats SCAN_QR_CODE. On NOWEB there is no 7th code: Baileys
    /// closes the socket (408) while the session is in SCAN_QR_CODE and WAHA calls <c>failed()</c>
    /// (src/core/engines/noweb/session.noweb.core.ts). WEBJS renews the code for as long as the page is open.
    /// </summary>
    public void RotateQr(string name)
    {
        lock (_lock)
        {
            var session = Get(name);
            if (session.Status != "SCAN_QR_CODE")
            {
                throw new InvalidOperationException($"{name} is {session.Status}; there is no QR to rotate.");
            }

            if (Engine is "NOWEB" or "GOWS" && session.QrCount >= 6)
            {
                session.Qr = null;
                SetStatus(session, "FAILED");
                return;
            }

            session.Qr = NewQr();
            session.QrCount++;
            SetStatus(session, "SCAN_QR_CODE", force: true);
        }
    }

    /// <summary>Nobody scans: the QR refs run out (on NOWEB the session ends FAILED after the 6th).</summary>
    public void ExpireQr(string name)
    {
        for (var i = 0; i < 7 && Status(name) == "SCAN_QR_CODE"; i++)
        {
            RotateQr(name);
        }
    }

    /// <summary>
    /// WhatsApp cannot be reached from the server: the session restarts its client again and again (STARTING) until
    /// NOWEB gives up after 60 STARTING in a row and calls <c>failed()</c> (src/utils/StatusTracker.ts,
    /// src/core/engines/noweb/session.noweb.core.ts). The login is kept.
    /// </summary>
    public void StuckInStarting(string name)
    {
        lock (_lock)
        {
            var session = Get(name);
            session.Qr = null;
            SetStatus(session, "STARTING");
            if (Engine is "NOWEB")
            {
                SetStatus(session, "FAILED");
            }
        }
    }

    /// <summary>The engine crashes (WEBJS: the browser or its page closed); the login is kept.</summary>
    public void Fail(string name)
    {
        lock (_lock)
        {
            SetStatus(Get(name), "FAILED");
        }
    }

    /// <summary>
    /// The device is unlinked on the phone: the login is gone and the session FAILED (NOWEB: a close with
    /// <c>loggedOut</c> calls <c>failed()</c>, session.noweb.core.ts; WEBJS: <c>DISCONNECTED</c> sets FAILED, session.webjs.core.ts).
    /// </summary>
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
            // WEBJS emits message.ack only with config.webjs.tagsEventsOn (src/core/engines/webjs/session.webjs.core.ts).
            if (Engine == "WEBJS" && session.Config["webjs"]?["tagsEventsOn"]?.GetValue<bool>() != true)
            {
                return;
            }

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
