using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>A fake WAHA server, the dashboard's webhook receiver and one <see cref="WahaEngine"/> for that server.</summary>
public sealed class WahaTestBed : IAsyncDisposable
{
    public const string ServerId = "waha-1";
    public const string Phone = "972500000001";
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http = new();
    private CancellationTokenSource? _running;
    private Task? _run;

    private WahaTestBed(FakeWahaServer server, WebhookSink sink, TimeProvider time, GatewayOptions options, string? apiKey)
    {
        Server = server;
        Sink = sink;
        Time = time;
        Options = options;
        Engine = new WahaEngine(
            new GatewayServerOptions { Id = ServerId, Url = server.Url, ApiKey = apiKey ?? server.ApiKey, Capacity = 50, WebhookSecret = WebhookSink.Secret },
            Microsoft.Extensions.Options.Options.Create(options), _http, time, NullLogger<WahaEngine>.Instance);
        Engine.Client.RetryDelay = _ => TimeSpan.Zero;
        sink.Handler = (serverId, body) => serverId == ServerId ? Engine.HandleWebhookAsync(body, CancellationToken.None) : Task.CompletedTask;
    }

    public FakeWahaServer Server { get; }
    public WebhookSink Sink { get; }
    public TimeProvider Time { get; }
    public TimerCountingTimeProvider? FakeTime => Time as TimerCountingTimeProvider;
    public GatewayOptions Options { get; }
    public WahaEngine Engine { get; }

    /// <param name="configure">Changes to the engine's options (the defaults: webhooks on, 3 failures open the breaker for 30 s, no retries).</param>
    /// <param name="time">The engine's clock; a <see cref="TimerCountingTimeProvider"/> unless given.</param>
    /// <param name="apiKey">The key the engine sends (the server's own unless given).</param>
    /// <param name="engine">The fake server's WAHA engine.</param>
    /// <param name="core">The server is WAHA Core (only the session "default").</param>
    public static async Task<WahaTestBed> StartAsync(Action<GatewayOptions>? configure = null, TimeProvider? time = null, string? apiKey = null, string engine = "WEBJS", bool core = false)
    {
        time ??= new TimerCountingTimeProvider();
        var server = await FakeWahaServer.StartAsync(time: time, engine: engine, core: core);
        var sink = await WebhookSink.StartAsync();
        var options = new GatewayOptions
        {
            WebhookBaseUrl = sink.Url,
            WebhookSecret = WebhookSink.Secret,
            ReconcileInterval = TimeSpan.FromSeconds(30),
            QrPollInterval = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromSeconds(5),
            Retries = 0,
            BreakerThreshold = 3,
            BreakerOpenFor = TimeSpan.FromSeconds(30),
            BreakerSamplingDuration = TimeSpan.FromSeconds(30),
            SessionPrefix = "wad_",
        };
        configure?.Invoke(options);
        return new WahaTestBed(server, sink, time, options, apiKey);
    }

    public static string SessionOf(string accountId) => "wad_" + accountId;

    public Task StartAsync(string accountId, int generation, LinkMode link, string phone = Phone) =>
        Engine.StartSessionAsync(new SessionStartRequest(accountId, generation, $"/unused/{accountId}/{generation}", link, phone), CancellationToken.None);

    /// <summary>Runs the engine's background work (QR loop and reconciliation) until the bed is disposed.</summary>
    public void Run()
    {
        _running = new CancellationTokenSource();
        _run = Engine.RunAsync(_running.Token);
    }

    /// <summary>The next event, which must be a <typeparamref name="T"/>; waits up to 10 s.</summary>
    public async Task<T> NextAsync<T>() where T : EngineEvent
    {
        using var timeout = new CancellationTokenSource(EventTimeout);
        EngineEvent next;
        try
        {
            next = await Engine.Events.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No engine event within {EventTimeout.TotalSeconds:0} s; expected {typeof(T).Name}.");
        }

        return Assert.IsType<T>(next);
    }

    /// <summary>Nothing is waiting in the events channel right now (use after an awaited call that would have emitted).</summary>
    public void AssertNoEvent()
    {
        if (Engine.Events.TryRead(out var unexpected))
        {
            Assert.Fail($"Unexpected engine event {unexpected}");
        }
    }

    /// <summary>
    /// Links an account by QR and scans it: the session is WORKING, the engine has said so, and every webhook of the
    /// link has been handled (nothing is left in flight to race what the test does next).
    /// </summary>
    public async Task<SessionConnected> ConnectAsync(string accountId, int generation = 1)
    {
        await StartAsync(accountId, generation, LinkMode.Qr);
        await NextAsync<QrIssued>();
        Server.Scan(SessionOf(accountId), Phone);
        await NextAsync<Authenticated>();
        var connected = await NextAsync<SessionConnected>();
        await Server.WebhooksSettledAsync(); // the scan's WORKING webhook was queued before Scan returned
        return connected;
    }

    /// <summary>
    /// Moves the fake clock forward by <paramref name="total"/> in one-second steps, letting what waits on it (WAHA's
    /// status waits, webhook retries, the engine's timers) run between steps.
    /// </summary>
    public async Task AdvanceAsync(TimeSpan total)
    {
        for (var passed = TimeSpan.Zero; passed < total; passed += TimeSpan.FromSeconds(1))
        {
            FakeTime!.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(30);
        }
    }

    /// <summary>The breaker's window forgets earlier answers: the next failures are all it sees.</summary>
    public void ForgetEarlierAnswers() => FakeTime!.Advance(Options.BreakerSamplingDuration + TimeSpan.FromSeconds(1));

    public async ValueTask DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.CancelAsync();
            await _run!;
            _running.Dispose();
        }

        Engine.Dispose();
        await Server.DisposeAsync();
        await Sink.DisposeAsync();
        _http.Dispose();
    }
}
