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
public sealed partial class WahaEngine : IGatewayServer, IDisposable
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
