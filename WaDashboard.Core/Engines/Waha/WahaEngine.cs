using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// The engine adapter for one WAHA server (https://waha.devlike.pro). An account's session on the server is named
/// <c>{SessionPrefix}{accountId}</c> and carries the metadata <c>wadashboard.account</c> and <c>wadashboard.generation</c>,
/// so the generation is known again after a dashboard restart.
/// <para>
/// What the server says about a session (a webhook, the QR poll, a reconciliation, the answer to a start) goes through one
/// function, <see cref="WahaStatusMapping"/>, against the status seen before; it emits only on a change, so a duplicated
/// or lost webhook does no harm. A webhook is a hint: the session is read again and that fresh status is applied, so an
/// old webhook arriving late can never undo a newer state. Everything about one account runs under that account's lock.
/// The adapter never restarts or relinks a session by itself; WaDashboard's policy decides that. It never leaves a QR
/// running that nobody asked for: a restore-only start that meets SCAN_QR_CODE stops the session.
/// </para>
/// </summary>
public sealed class WahaEngine : IGatewayServer, IDisposable
{
    public const string AccountMetadataKey = "wadashboard.account";
    public const string GenerationMetadataKey = "wadashboard.generation";

    /// <summary>QR refs shown per link, as WhatsApp Web gives them; the next change after the last ends the link (408).</summary>
    public const int QrRefs = 6;

    public static readonly TimeSpan FirstQrLifetime = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan QrRefLifetime = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan PairingCodeLifetime = TimeSpan.FromMinutes(3);

    /// <summary>The status remembered for a session whose server stopped answering (not a WAHA status).</summary>
    private const string Unreachable = "(unreachable)";

    private static readonly string[] AckNames = ["ERROR", "PENDING", "SERVER", "DEVICE", "READ", "PLAYED"];

    private readonly GatewayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WahaEngine> _logger;
    private readonly ConcurrentDictionary<string, Tracked> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingOperation> _pending = new(StringComparer.Ordinal);
    private readonly Channel<EngineEvent> _events = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _epoch;
    private int _engineKind;
    private long _lastReconcileTicks = long.MinValue;
    private int _sessionsOnServer;

    public WahaEngine(GatewayServerOptions server, IOptions<GatewayOptions> options, HttpClient http, TimeProvider time, ILogger<WahaEngine> logger)
    {
        Server = server;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Client = new WahaClient(server, _options, http, time, logger);
    }

    /// <summary>A session we asked to stop (or log out) while the server could not be reached; reconciliation finishes it.</summary>
    private enum PendingOperation
    {
        Stop,
        Logout,
    }

    /// <summary>What the adapter knows of one account's session on this server, for one start.</summary>
    private sealed class Tracked(SessionStartRequest request, string name)
    {
        public SessionStartRequest Request { get; } = request;
        public string AccountId => Request.AccountId;
        public int Generation => Request.Generation;
        public string Name { get; } = name;

        /// <summary>What the start asked for; <see cref="LinkMode.None"/> once linked (or for a restore).</summary>
        public LinkMode Intent { get; set; } = request.Link;

        /// <summary>The last status applied (null: none yet).</summary>
        public string? Status { get; set; }

        /// <summary>The statuses this adapter saw, oldest first (the last 10): what a FAILED followed, without webhooks.</summary>
        public List<string> Seen { get; } = [];

        public bool Connected { get; set; }
        public string? LastQr { get; set; }
        public int QrIndex { get; set; }
        public bool PairingCodeIssued => PairingCodeExpiresAt is not null;
        public DateTimeOffset? PairingCodeExpiresAt { get; set; }

        /// <summary>The adapter's own last operation on the session; a listing taken before it is not applied.</summary>
        public long OpEpoch { get; set; }
    }

    public string Name => $"waha:{Server.Id}";

    public GatewayServerOptions Server { get; }

    /// <summary>The typed client this engine drives the server with.</summary>
    public WahaClient Client { get; }

    public ChannelReader<EngineEvent> Events => _events.Reader;

    public GatewayHealth Health
    {
        get
        {
            var reconcileTicks = Interlocked.Read(ref _lastReconcileTicks);
            return new GatewayHealth(
                Server.Id,
                Client.State,
                Client.LastContact,
                reconcileTicks == long.MinValue ? null : new DateTimeOffset(reconcileTicks, TimeSpan.Zero),
                Client.LastError,
                Client.ConsecutiveFailures,
                Volatile.Read(ref _sessionsOnServer));
        }
    }

    /// <summary>The session name on the gateway for an account.</summary>
    public string SessionName(string accountId) => _options.SessionPrefix + accountId;

    // ------------------------------------------------------------------ the engine port

    public async Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken)
    {
        var gate = Gate(request.AccountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var session = new Tracked(request, SessionName(request.AccountId));
            _sessions[request.AccountId] = session;
            _pending.TryRemove(session.Name, out _);
            try
            {
                if (request.Link == LinkMode.None)
                {
                    await RestoreAsync(session, cancellationToken);
                }
                else
                {
                    await LinkAsync(session, cancellationToken);
                }
            }
            catch
            {
                // The start did not happen: nothing is believed running (the supervisor hears of the failure from the exception).
                Untrack(session);
                throw;
            }
            finally
            {
                session.OpEpoch = Interlocked.Increment(ref _epoch);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Restore only: adopt a working session, start a stopped one, restart a failed one; never a QR.</summary>
    private async Task RestoreAsync(Tracked session, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(session.Name, cancellationToken);
        if (info is null)
        {
            Untrack(session);
            Emit(new NoValidSession(session.AccountId, session.Generation, $"The gateway {Server.Id} holds no session for this account."));
            return;
        }

        if (GenerationOf(info) is { } stored && stored != session.Generation)
        {
            _logger.LogWarning("Gateway {ServerId}: session {Session} of {AccountId} carries generation {Stored}, restoring generation {Generation}",
                Server.Id, session.Name, session.AccountId, stored, session.Generation);
        }

        switch (info.Status)
        {
            case WahaStatus.Stopped:
                session.Status = WahaStatus.Stopped;
                _logger.LogInformation("Gateway {ServerId}: starting the stopped session of {AccountId}", Server.Id, session.AccountId);
                info = await Client.StartAsync(session.Name, cancellationToken);
                break;
            case WahaStatus.Failed:
                session.Status = WahaStatus.Failed;
                _logger.LogInformation("Gateway {ServerId}: restarting the failed session of {AccountId}", Server.Id, session.AccountId);
                info = await Client.RestartAsync(session.Name, cancellationToken);
                break;
        }

        await ApplyAsync(session, info, cancellationToken);
    }

    /// <summary>Link by QR or code: a fresh session for the new generation (created, or logged out and started again).</summary>
    private async Task LinkAsync(Tracked session, CancellationToken cancellationToken)
    {
        var config = SessionConfig(session);
        var existing = await Client.GetSessionAsync(session.Name, cancellationToken);
        WahaSessionInfo info;
        if (existing is null)
        {
            _logger.LogInformation("Gateway {ServerId}: creating the session of {AccountId} (generation {Generation}) to link by {Link}",
                Server.Id, session.AccountId, session.Generation, session.Intent);
            try
            {
                info = await Client.CreateSessionAsync(session.Name, config, start: true, cancellationToken);
            }
            catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
            {
                Refused(session, refusal);
                return;
            }
        }
        else
        {
            _logger.LogInformation("Gateway {ServerId}: relinking the session of {AccountId} (generation {Generation}) by {Link}: stop, new config, logout, start",
                Server.Id, session.AccountId, session.Generation, session.Intent);
            if (existing.Status != WahaStatus.Stopped)
            {
                await Client.StopAsync(session.Name, cancellationToken);
            }

            try
            {
                await Client.UpdateSessionAsync(session.Name, config, cancellationToken);
                await Client.LogoutAsync(session.Name, cancellationToken);
                info = await Client.StartAsync(session.Name, cancellationToken);
            }
            catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
            {
                Refused(session, refusal);
                return;
            }
        }

        await ApplyAsync(session, info, cancellationToken);
    }

    /// <summary>WAHA refused to create or start the session: the person hears it at once, with WAHA's words and what to do.</summary>
    private void Refused(Tracked session, WahaRefusal refusal)
    {
        _logger.LogWarning("Gateway {ServerId}: the link of {AccountId} was refused: {Reason}", Server.Id, session.AccountId, refusal.Message);
        Untrack(session);
        Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaRefusal.Code, refusal.Message));
    }

    /// <summary>
    /// Asks the server whether it will hold this account's session, before a link is started: WAHA Core holds only the
    /// session <c>default</c> and refuses any other name with 422 (<c>OnlyDefaultSessionIsAllowed</c>,
    /// <c>src/core/manager.core.ts</c>), which only a create or a start reveals (a GET of an unknown name is a plain 404).
    /// A missing session is created stopped (<c>start: false</c>), which the link then starts; null when the server will hold it.
    /// </summary>
    public async Task<string?> CheckLinkAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await Client.GetSessionAsync(name, cancellationToken) is not null)
            {
                return null;
            }

            var config = SessionConfig(new Tracked(new SessionStartRequest(accountId, 0, "", LinkMode.Qr, ""), name));
            await Client.CreateSessionAsync(name, config, start: false, cancellationToken);
            return null;
        }
        catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
        {
            return refusal.Message;
        }
        finally
        {
            gate.Release();
        }
    }

    private JsonObject SessionConfig(Tracked session)
    {
        var config = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                [AccountMetadataKey] = session.AccountId,
                [GenerationMetadataKey] = session.Generation.ToString(CultureInfo.InvariantCulture),
            },
        };
        // WEBJS sends message.ack (the delivery receipts) only with tagsEventsOn (src/core/engines/webjs/session.webjs.core.ts).
        config["webjs"] = new JsonObject { ["tagsEventsOn"] = true };
        if (_options.WebhookBaseUrl is { Length: > 0 } baseUrl)
        {
            var webhook = new JsonObject
            {
                ["url"] = $"{baseUrl.TrimEnd('/')}/api/webhooks/{Uri.EscapeDataString(Server.Id)}",
                ["events"] = new JsonArray("session.status", "message.ack"),
            };
            if (_options.WebhookSecretFor(Server) is { Length: > 0 } secret)
            {
                webhook["hmac"] = new JsonObject { ["key"] = secret };
            }

            config["webhooks"] = new JsonArray(webhook);
        }

        return config;
    }

    public async Task StopSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            await StopOnServerAsync(accountId, name, PendingOperation.Stop, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            await StopOnServerAsync(accountId, name, PendingOperation.Logout, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stop (or log out, then stop: WAHA starts a running session again from scratch after a logout). Best effort: when the
    /// server cannot be reached, the operation is remembered and reconciliation finishes it once the server answers.
    /// </summary>
    private async Task StopOnServerAsync(string accountId, string name, PendingOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            if (operation == PendingOperation.Logout)
            {
                await IgnoreMissingAsync(() => Client.LogoutAsync(name, cancellationToken));
            }

            await IgnoreMissingAsync(() => Client.StopAsync(name, cancellationToken));
            _pending.TryRemove(name, out _);
        }
        catch (WahaException ex) when (ex is WahaBreakerOpenException or WahaUnreachableException or WahaTimeoutException
                                           or WahaApiException { IsServerError: true })
        {
            _pending[name] = operation;
            _logger.LogWarning(ex, "Gateway {ServerId}: could not {Operation} the session of {AccountId}; it will be done when the server answers",
                Server.Id, operation, accountId);
        }
    }

    private static async Task IgnoreMissingAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (WahaApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    public async Task DeleteSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            _pending.TryRemove(name, out _);
            try
            {
                await IgnoreMissingAsync(() => Client.LogoutAsync(name, cancellationToken));
            }
            catch (WahaException ex)
            {
                _logger.LogWarning(ex, "Gateway {ServerId}: logout before deleting the session of {AccountId} failed; deleting anyway", Server.Id, accountId);
            }

            await IgnoreMissingAsync(() => Client.DeleteSessionAsync(name, cancellationToken));
            _logger.LogInformation("Gateway {ServerId}: deleted the session of {AccountId}", Server.Id, accountId);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        if (!_sessions.TryGetValue(accountId, out var session) || session.Status != WahaStatus.Working)
        {
            var status = session?.Status is { } known && known != Unreachable ? known : "not started by the dashboard";
            _logger.LogWarning("Gateway {ServerId}: send refused for {AccountId}: the session is {Status}", Server.Id, accountId, status);
            return EngineSendResult.NotConnectedRefusal($"Gateway {Server.Id}: the session {name} is {status}; the message was not sent.");
        }

        JsonElement answer;
        try
        {
            answer = await Client.SendTextAsync(name, $"{toDigits}@c.us", text, cancellationToken);
        }
        catch (WahaBreakerOpenException ex)
        {
            return EngineSendResult.Refused(ex.Message);
        }
        catch (WahaUnreachableException ex) when (!ex.RequestMayHaveBeenSent)
        {
            return EngineSendResult.Refused(ex.Message);
        }
        catch (WahaApiException ex) when (!ex.IsServerError)
        {
            // 422: the session is not WORKING (WAHA waits a few seconds for it, then refuses); 404: no such session.
            return ex.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
                ? EngineSendResult.NotConnectedRefusal(ex.Message)
                : EngineSendResult.Refused(ex.Message);
        }

        // A timeout, a broken connection or a 5xx propagate: the message may have gone out.
        var id = WahaMessageIds.OfSent(answer, $"{toDigits}@c.us");
        if (id is null)
        {
            _logger.LogWarning("Gateway {ServerId}: sendText for {AccountId} was accepted but the answer holds no message id", Server.Id, accountId);
        }

        return EngineSendResult.Sent(id ?? "");
    }

    public async Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(SessionName(accountId), cancellationToken);
        if (info is null || info.Status == WahaStatus.Stopped || AccountIdOf(info) != accountId)
        {
            return null;
        }

        return new EngineSessionInfo(accountId, GenerationOf(info) ?? TrackedGeneration(accountId), info.Status == WahaStatus.Working);
    }

    /// <summary>Whether the session is WORKING with an account on the server (a stopped, failed or unauthenticated one is not).</summary>
    public async Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(SessionName(accountId), cancellationToken);
        return info is { Status: WahaStatus.Working, Me: not null };
    }

    /// <summary>The dashboard's sessions that run on the server (STOPPED ones are not held).</summary>
    public async Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        var all = await Client.ListSessionsAsync(cancellationToken);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        return all
            .Where(s => s.Status != WahaStatus.Stopped)
            .Select(s => (Info: s, AccountId: AccountIdOf(s)))
            .Where(s => s.AccountId is not null)
            .Select(s => new EngineSessionInfo(s.AccountId!, GenerationOf(s.Info) ?? TrackedGeneration(s.AccountId!), s.Info.Status == WahaStatus.Working))
            .ToList();
    }

    public async Task<IReadOnlyList<GatewaySession>> ListServerSessionsAsync(CancellationToken cancellationToken)
    {
        var all = await Client.ListSessionsAsync(cancellationToken);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        // WAHA's list has no engine (src/core/manager.core.ts getSessions); one session's GET has it (getSessionInfo).
        if (EngineKind == WahaEngineKind.Unknown && all.FirstOrDefault(s => s.Status != WahaStatus.Stopped) is { } running)
        {
            LearnEngine((await Client.GetSessionAsync(running.Name, cancellationToken))?.Engine);
        }

        var engine = EngineKind == WahaEngineKind.Unknown ? null : EngineKind.ToString().ToUpperInvariant();
        return all.Select(s => new GatewaySession(s.Name, s.Status, AccountIdOf(s), s.Me?.Id, s.Me?.PushName, s.Engine ?? engine)).ToList();
    }

    // ------------------------------------------------------------------ webhooks

    public async Task HandleWebhookAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var kind = WahaJson.String(body, "event");
        var sessionName = WahaJson.String(body, "session");
        if (sessionName is null || AccountIdOfName(sessionName, MetadataOf(body)) is not { } accountId)
        {
            return;
        }

        switch (kind)
        {
            case "session.status":
                if (!_sessions.TryGetValue(accountId, out var tracked) || GenerationOf(MetadataOf(body)) is { } generation && generation != tracked.Generation)
                {
                    _logger.LogDebug("Gateway {ServerId}: session.status for {AccountId} ignored (no session started by the dashboard for it)", Server.Id, accountId);
                    return;
                }

                var statuses = StatusesOf(body);
                await WithSessionAsync(tracked, (t, ct) => ReadAndApplyAsync(t, ct, statuses), cancellationToken);
                break;
            case "message.ack":
                OnMessageAck(accountId, body);
                break;
        }
    }

    private void OnMessageAck(string accountId, JsonElement body)
    {
        if (!body.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || payload.TryGetProperty("fromMe", out var fromMe) && fromMe.ValueKind == JsonValueKind.False)
        {
            return;
        }

        var messageId = WahaJson.String(payload, "id");
        if (messageId is null && payload.TryGetProperty("id", out var idObject))
        {
            messageId = WahaJson.String(idObject, "_serialized");
        }

        messageId = messageId is null ? null : WahaMessageIds.Normalize(messageId);

        var ack = WahaJson.String(payload, "ackName");
        if (ack is null && payload.TryGetProperty("ack", out var ackNumber) && ackNumber.TryGetInt32(out var number))
        {
            ack = number >= -1 && number < AckNames.Length - 1 ? AckNames[number + 1] : number.ToString(CultureInfo.InvariantCulture);
        }

        int? generation = _sessions.TryGetValue(accountId, out var tracked) ? tracked.Generation : GenerationOf(MetadataOf(body));
        if (messageId is null || ack is null || generation is null)
        {
            return;
        }

        Emit(new MessageAcknowledged(accountId, generation.Value, messageId, ack));
    }

    // ------------------------------------------------------------------ reconciliation and the background loops

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var epoch = Interlocked.Read(ref _epoch);
        IReadOnlyList<WahaSessionInfo> all;
        try
        {
            all = await Client.ListSessionsAsync(cancellationToken);
        }
        catch (WahaException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: reconciliation could not list the sessions: {Error}", Server.Id, ex.Message);
            if (Client.BreakerOpen)
            {
                await ReportUnreachableAsync(ex.Message, cancellationToken);
            }

            return;
        }

        Interlocked.Exchange(ref _lastReconcileTicks, _time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        var byName = new Dictionary<string, WahaSessionInfo>(StringComparer.Ordinal);
        foreach (var info in all)
        {
            byName.TryAdd(info.Name, info);
        }

        foreach (var session in _sessions.Values.ToList())
        {
            await WithSessionAsync(session, async (s, ct) =>
            {
                if (s.OpEpoch > epoch)
                {
                    return; // the listing is older than what the adapter just did to this session
                }

                if (!byName.TryGetValue(s.Name, out var info))
                {
                    LoseSession(s);
                    return;
                }

                if (GenerationOf(info) is { } generation && generation != s.Generation)
                {
                    return;
                }

                await ApplyAsync(s, info, ct);
            }, cancellationToken);
        }

        await FinishPendingAsync(byName, cancellationToken);
    }

    /// <summary>Stops (or logouts) that could not reach the server when they were asked for.</summary>
    private async Task FinishPendingAsync(Dictionary<string, WahaSessionInfo> byName, CancellationToken cancellationToken)
    {
        foreach (var (name, operation) in _pending.ToList())
        {
            var accountId = name[_options.SessionPrefix.Length..];
            var gate = Gate(accountId);
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (!_pending.TryGetValue(name, out var current) || current != operation || _sessions.ContainsKey(accountId))
                {
                    continue;
                }

                if (!byName.TryGetValue(name, out var info) || info.Status == WahaStatus.Stopped && operation == PendingOperation.Stop)
                {
                    _pending.TryRemove(name, out _);
                    continue;
                }

                await StopOnServerAsync(accountId, name, operation, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>The server stopped answering: every session believed connected is reported once.</summary>
    private async Task ReportUnreachableAsync(string error, CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values.Where(s => s.Connected).ToList())
        {
            await WithSessionAsync(session, (s, _) =>
            {
                if (s.Connected)
                {
                    s.Connected = false;
                    s.Status = Unreachable;
                    _logger.LogWarning("Gateway {ServerId} is not answering; {AccountId} is reported disconnected", Server.Id, s.AccountId);
                    Emit(new SessionDisconnected(s.AccountId, s.Generation, "gateway-unreachable", $"Gateway {Server.Id} is not answering: {error}"));
                }

                return Task.CompletedTask;
            }, cancellationToken, reportErrors: false);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Gateway {ServerId} ({Url}): reconciling every {ReconcileInterval}, polling QR codes every {QrPollInterval}",
            Server.Id, Server.Url, _options.ReconcileInterval, _options.QrPollInterval);
        var reconcile = LoopAsync(_options.ReconcileInterval, ReconcileAsync, runFirst: true, "reconciliation", cancellationToken);
        var qr = LoopAsync(_options.QrPollInterval, PollLinkingAsync, runFirst: false, "QR polling", cancellationToken);
        await Task.WhenAll(reconcile, qr);
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> pass, bool runFirst, string what, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            if (runFirst)
            {
                await RunPassAsync(pass, what, cancellationToken);
            }

            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RunPassAsync(pass, what, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunPassAsync(Func<CancellationToken, Task> pass, string what, CancellationToken cancellationToken)
    {
        try
        {
            await pass(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Gateway {ServerId}: a {Work} pass failed; trying again next interval", Server.Id, what);
        }
    }

    /// <summary>
    /// One pass of the server's single QR loop: every session being linked is read (its status, then its QR while it is in
    /// SCAN_QR_CODE, so a scan or a confirmed code is seen within one interval even without webhooks); an unconfirmed
    /// pairing code dies after 3 minutes.
    /// </summary>
    internal async Task PollLinkingAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values.Where(s => s.Intent != LinkMode.None).ToList())
        {
            await WithSessionAsync(session, async (s, ct) =>
            {
                if (s.Intent == LinkMode.None)
                {
                    return;
                }

                if (s is { Intent: LinkMode.PairingCode, PairingCodeExpiresAt: { } expires } && _time.GetUtcNow() >= expires)
                {
                    // As WhatsApp Web: an unconfirmed code dies; a person asks for a new one.
                    _logger.LogInformation("Gateway {ServerId}: the pairing code of {AccountId} expired unconfirmed; stopping the session", Server.Id, s.AccountId);
                    Untrack(s);
                    await StopQuietlyAsync(s, ct);
                    Emit(new SessionDisconnected(s.AccountId, s.Generation, "408", "Pairing code expired"));
                    return;
                }

                // The status first (answered at once), the QR only when it says SCAN_QR_CODE: outside that status WAHA
                // holds a QR read up to 15 s before its 422 (waitUntilStatus, src/core/abc/manager.abc.ts).
                await ReadAndApplyAsync(s, ct);
            }, cancellationToken);
        }
    }

    // ------------------------------------------------------------------ applying a status

    /// <summary>Runs <paramref name="work"/> under the account's lock if the session is still the current one.</summary>
    private async Task WithSessionAsync(Tracked session, Func<Tracked, CancellationToken, Task> work, CancellationToken cancellationToken, bool reportErrors = true)
    {
        var gate = Gate(session.AccountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (IsCurrent(session))
            {
                await work(session, cancellationToken);
            }
        }
        catch (WahaException ex) when (reportErrors)
        {
            _logger.LogWarning("Gateway {ServerId}: could not read the session of {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private Task ReadAndApplyAsync(Tracked session, CancellationToken cancellationToken) => ReadAndApplyAsync(session, cancellationToken, null);

    private async Task ReadAndApplyAsync(Tracked session, CancellationToken cancellationToken, IReadOnlyList<string>? statuses)
    {
        var info = await Client.GetSessionAsync(session.Name, cancellationToken);
        if (info is null)
        {
            LoseSession(session);
            return;
        }

        // The webhook's list is the history up to the status it announced, which is at most the one read now.
        await ApplyAsync(session, info, cancellationToken, statuses);
    }

    /// <summary>
    /// The <c>statuses</c> of a <c>session.status</c> payload (<c>[{status, timestamp}]</c>, the last few, oldest first), as
    /// WAHA sends them since 2025 (<c>src/core/abc/session.abc.ts</c>); empty when absent.
    /// </summary>
    internal static IReadOnlyList<string> StatusesOf(JsonElement body)
    {
        if (!body.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("statuses", out var statuses) || statuses.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return statuses.EnumerateArray()
            .Select(s => s.ValueKind == JsonValueKind.Object ? WahaJson.String(s, "status") : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>A session the adapter believes running is gone from the server.</summary>
    private void LoseSession(Tracked session)
    {
        Untrack(session);
        if (session.Status is null or WahaStatus.Stopped && !session.Connected)
        {
            return;
        }

        _logger.LogWarning("Gateway {ServerId} no longer has the session of {AccountId}", Server.Id, session.AccountId);
        Emit(new SessionDisconnected(session.AccountId, session.Generation, "engine-lost-session",
            $"Gateway {Server.Id} no longer has the session {session.Name} (it was deleted, or the server lost it)."));
    }

    /// <summary>The one status-apply function (called under the account's lock).</summary>
    private async Task ApplyAsync(Tracked session, WahaSessionInfo info, CancellationToken cancellationToken, IReadOnlyList<string>? statuses = null)
    {
        if (!IsCurrent(session) || info.Status.Length == 0)
        {
            return;
        }

        LearnEngine(info.Engine);
        // What came before this status: WAHA's own list when a webhook brought it, else what this adapter saw.
        var before = statuses is not { Count: > 0 } ? session.Seen.ToList()
            : statuses[^1] == info.Status ? statuses.Take(statuses.Count - 1).ToList()
            : statuses.ToList();
        if (before.Count == 0)
        {
            before = session.Seen.ToList();
        }
        if (session.Seen.Count == 0 || session.Seen[^1] != info.Status)
        {
            session.Seen.Add(info.Status);
            if (session.Seen.Count > 10)
            {
                session.Seen.RemoveAt(0);
            }
        }

        var previous = session.Status;
        var effects = WahaStatusMapping.Map(previous, info.Status, session.Intent, session.PairingCodeIssued);
        session.Status = info.Status;
        session.Connected = info.Status == WahaStatus.Working;
        if (previous != info.Status)
        {
            _logger.LogInformation("Gateway {ServerId}: session of {AccountId} is {Status} (was {Previous})",
                Server.Id, session.AccountId, info.Status, previous ?? "unknown");
        }

        foreach (var effect in effects)
        {
            switch (effect)
            {
                case WahaEffect.EmitAuthenticated:
                    Emit(new Authenticated(session.AccountId, session.Generation));
                    break;
                case WahaEffect.EmitConnected:
                    session.Intent = LinkMode.None;
                    var jid = info.Me?.Jid ?? $"{session.Request.PhoneDigits}@s.whatsapp.net";
                    Emit(new SessionConnected(session.AccountId, session.Generation, jid, info.Me?.PushName));
                    break;
                case WahaEffect.ShowQr:
                    string value;
                    try
                    {
                        value = await Client.GetQrValueAsync(session.Name, cancellationToken);
                    }
                    catch (WahaApiException ex) when (ex.StatusCode == HttpStatusCode.UnprocessableEntity)
                    {
                        break; // the status moved on already; the next read applies it
                    }

                    await ShowQrValueAsync(session, value, cancellationToken);
                    break;
                case WahaEffect.RequestPairingCode:
                    await RequestPairingCodeAsync(session, cancellationToken);
                    break;
                case WahaEffect.StopNoLogin:
                    _logger.LogWarning("Gateway {ServerId}: the session of {AccountId} has no login and asks for a QR; stopping it (restore only)",
                        Server.Id, session.AccountId);
                    Untrack(session);
                    await StopQuietlyAsync(session, cancellationToken);
                    Emit(new NoValidSession(session.AccountId, session.Generation,
                        $"The gateway {Server.Id} has no login for this account; it asks for a QR."));
                    break;
                case WahaEffect.StopLostLogin:
                    Untrack(session);
                    await StopQuietlyAsync(session, cancellationToken);
                    Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaStatus.ScanQrCode,
                        $"Gateway {Server.Id}: the session {session.Name} lost its login (logged out) and asks for a new QR code; it was stopped."));
                    break;
                case WahaEffect.EmitFailed:
                    var failure = WahaFailedStatus.Classify(EngineKind, before, info.Me is not null);
                    var (code, text) = WahaFailedStatus.Describe(failure, EngineKind, Server.Id, session.Name);
                    _logger.LogInformation("Gateway {ServerId}: the session of {AccountId} FAILED after {Before}: {Reason}",
                        Server.Id, session.AccountId, string.Join(" → ", before.TakeLast(3)), failure);
                    if (failure is WahaFailure.QrExpired or WahaFailure.LoggedOut)
                    {
                        // Nothing a restart can mend: the session is stopped; a person relinks.
                        Untrack(session);
                        await StopQuietlyAsync(session, cancellationToken);
                    }

                    Emit(new SessionDisconnected(session.AccountId, session.Generation, code, text));
                    break;
                case WahaEffect.EmitStopped:
                    Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaStatus.Stopped,
                        $"Gateway {Server.Id}: the session {session.Name} was stopped on the server, not by the dashboard (was {previous ?? "unknown"})."));
                    break;
            }
        }
    }

    /// <summary>A QR value read from the server: a new one is the next ref; the change after the last ref ends the link.</summary>
    private async Task ShowQrValueAsync(Tracked session, string value, CancellationToken cancellationToken)
    {
        session.Status = WahaStatus.ScanQrCode;
        if (value == session.LastQr)
        {
            return;
        }

        if (session.QrIndex >= QrRefs)
        {
            _logger.LogInformation("Gateway {ServerId}: {Refs} QR codes of {AccountId} went unscanned; stopping the session", Server.Id, QrRefs, session.AccountId);
            Untrack(session);
            await StopQuietlyAsync(session, cancellationToken);
            Emit(new SessionDisconnected(session.AccountId, session.Generation, "408", "QR refs attempts ended"));
            return;
        }

        session.QrIndex++;
        session.LastQr = value;
        var lifetime = session.QrIndex == 1 ? FirstQrLifetime : QrRefLifetime;
        Emit(new QrIssued(session.AccountId, session.Generation, value, _time.GetUtcNow() + lifetime, session.QrIndex, QrRefs));
    }

    private async Task RequestPairingCodeAsync(Tracked session, CancellationToken cancellationToken)
    {
        string code;
        try
        {
            code = await Client.RequestCodeAsync(session.Name, session.Request.PhoneDigits, cancellationToken);
        }
        catch (WahaApiException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: no pairing code for {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
            Untrack(session);
            await StopQuietlyAsync(session, cancellationToken);
            Emit(new SessionDisconnected(session.AccountId, session.Generation, "request-code-failed", ex.Message));
            return;
        }

        session.PairingCodeExpiresAt = _time.GetUtcNow() + PairingCodeLifetime;
        var plain = new string(code.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        Emit(new PairingCodeIssued(session.AccountId, session.Generation, plain, session.PairingCodeExpiresAt.Value));
    }

    /// <summary>Stops a session the adapter gave up on; a refusal is logged, never thrown (the event that follows matters more).</summary>
    private async Task StopQuietlyAsync(Tracked session, CancellationToken cancellationToken)
    {
        try
        {
            await StopOnServerAsync(session.AccountId, session.Name, PendingOperation.Stop, cancellationToken);
        }
        catch (WahaException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: could not stop the session of {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The server's engine as its sessions report it (<c>GET /api/sessions/{name}</c>; the list carries none).</summary>
    public WahaEngineKind EngineKind => (WahaEngineKind)Volatile.Read(ref _engineKind);

    private void LearnEngine(string? engine)
    {
        if (WahaFailedStatus.ParseEngine(engine) is not WahaEngineKind.Unknown and var kind)
        {
            Volatile.Write(ref _engineKind, (int)kind);
        }
    }

    private SemaphoreSlim Gate(string accountId) => _gates.GetOrAdd(accountId, _ => new SemaphoreSlim(1, 1));

    private bool IsCurrent(Tracked session) => _sessions.TryGetValue(session.AccountId, out var current) && ReferenceEquals(current, session);

    private void Untrack(Tracked session) => _sessions.TryRemove(new KeyValuePair<string, Tracked>(session.AccountId, session));

    private void Untrack(string accountId) => _sessions.TryRemove(accountId, out _);

    private int TrackedGeneration(string accountId) => _sessions.TryGetValue(accountId, out var session) ? session.Generation : 0;

    private static IReadOnlyDictionary<string, string> MetadataOf(JsonElement body)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in meta.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    metadata[property.Name] = property.Value.GetString()!;
                }
            }
        }

        return metadata;
    }

    private static int? GenerationOf(WahaSessionInfo info) => GenerationOf(info.Metadata);

    private static int? GenerationOf(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(GenerationMetadataKey, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var generation)
            ? generation
            : null;

    private string? AccountIdOf(WahaSessionInfo info) => AccountIdOfName(info.Name, info.Metadata);

    /// <summary>
    /// The account a session belongs to: its name is <c>{SessionPrefix}{accountId}</c> and, when it carries the dashboard's
    /// metadata, that names the same account (without a prefix the metadata is required).
    /// </summary>
    private string? AccountIdOfName(string name, IReadOnlyDictionary<string, string> metadata)
    {
        var prefix = _options.SessionPrefix;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length == prefix.Length)
        {
            return null;
        }

        var accountId = name[prefix.Length..];
        if (metadata.TryGetValue(AccountMetadataKey, out var stored))
        {
            return stored == accountId ? accountId : null;
        }

        return prefix.Length > 0 ? accountId : null;
    }

    private void Emit(EngineEvent engineEvent)
    {
        if (!_events.Writer.TryWrite(engineEvent))
        {
            _logger.LogError("Gateway {ServerId}: event queue full; dropped {EventType} for {AccountId}", Server.Id, engineEvent.GetType().Name, engineEvent.AccountId);
        }
    }

    public void Dispose() => _events.Writer.TryComplete();
}
