using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Engines.Simulator;

/// <summary>
/// An in-process engine that behaves like WhatsApp Web as Baileys sees it: a first QR ref of 60 s, later refs of
/// 20 s, 6 refs and then "QR refs attempts ended" (408); pairing codes valid 3 minutes; after a scan the login is
/// written as a multi-file auth folder and the server asks for a restart (515). The simulated phone can scan, and
/// faults can be injected. Its timers run on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class SimulatorEngine : IWhatsAppEngine, IDisposable
{
    private const int MessagesKeptPerAccount = 200;
    private readonly object _gate = new();
    private readonly Dictionary<string, Session> _sessions = new();
    private readonly Dictionary<string, string> _lastFolders = new();
    private readonly HashSet<string> _revokedDevices = new();
    private readonly Dictionary<string, DateTimeOffset?> _bans = new();
    private readonly Dictionary<string, TimeSpan> _slowStarts = new();
    private readonly Dictionary<string, List<SimulatedMessage>> _messages = new();
    private readonly Dictionary<string, (SimulatorFaultKind Kind, int Remaining, string? Code, string? Text)> _sendFaults = new();
    private readonly Channel<EngineEvent> _events = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(200_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly TimeProvider _time;
    private readonly SimulatorOptions _options;
    private readonly ILogger<SimulatorEngine> _logger;
    private long _refusedSends;
    private FileStream? _receivedLog;

    public SimulatorEngine(TimeProvider time, IOptions<SimulatorOptions> options, ILogger<SimulatorEngine> logger)
    {
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    public string Name => "simulator";

    public ChannelReader<EngineEvent> Events => _events.Reader;

    /// <summary>Sends that reached the engine while the account was not connected (must stay 0).</summary>
    public long RefusedSends => Interlocked.Read(ref _refusedSends);

    private enum Phase
    {
        Starting,
        AwaitingQr,
        AwaitingPairing,
        Authenticating,
        Connected,
    }

    private sealed class Session(SessionStartRequest request)
    {
        public SessionStartRequest Request { get; } = request;
        public Phase Phase { get; set; } = Phase.Starting;
        public ITimer? Timer { get; set; }
        public long Epoch { get; set; }
        public string? DeviceId { get; set; }
        public bool Zombie { get; set; }
    }

    public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Close(request.AccountId);
            var session = new Session(request);
            _sessions[request.AccountId] = session;
            _lastFolders[request.AccountId] = request.Folder;
            var delay = _slowStarts.Remove(request.AccountId, out var slow) ? slow : _options.StartDelay;
            Arm(session, delay, OnStarted);
        }

        return Task.CompletedTask;
    }

    public Task StopSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Close(accountId);
        }

        return Task.CompletedTask;
    }

    public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(accountId, out var session) && session.DeviceId is { } device)
            {
                _revokedDevices.Add(device);
            }
            else if (_lastFolders.TryGetValue(accountId, out var folder) && BaileysAuthFolder.Read(folder).DeviceId is { } stored)
            {
                _revokedDevices.Add(stored);
            }

            Close(accountId);
        }

        return Task.CompletedTask;
    }

    public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(accountId, out var session) || session.Phase != Phase.Connected)
            {
                Interlocked.Increment(ref _refusedSends);
                _logger.LogWarning("Send refused by the simulator for {AccountId}: not connected", accountId);
                return Task.FromResult(EngineSendResult.NotConnectedRefusal());
            }

            var fault = TakeSendFault(accountId);
            if (fault is { Kind: SimulatorFaultKind.RejectSends } rejection)
            {
                return Task.FromResult(EngineSendResult.Refused($"{rejection.Code ?? "500"}: {rejection.Text ?? "Simulated: the server refused the message"}"));
            }

            var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            if (!_messages.TryGetValue(accountId, out var list))
            {
                _messages[accountId] = list = [];
            }

            var message = new SimulatedMessage(id, accountId, toDigits, text, _time.GetUtcNow());
            list.Add(message);
            if (list.Count > MessagesKeptPerAccount)
            {
                list.RemoveAt(0);
            }

            AppendToReceivedLog(message);
            if (fault is { Kind: SimulatorFaultKind.SendTimeout })
            {
                // Delivered, but the confirmation is lost on the way back: the caller cannot know it arrived.
                return Task.FromException<EngineSendResult>(new TimeoutException("Simulated: the message went out but its confirmation never came back."));
            }

            return Task.FromResult(EngineSendResult.Sent(id));
        }
    }

    private (SimulatorFaultKind Kind, int Remaining, string? Code, string? Text)? TakeSendFault(string accountId)
    {
        if (!_sendFaults.TryGetValue(accountId, out var fault))
        {
            return null;
        }

        if (fault.Remaining <= 1)
        {
            _sendFaults.Remove(accountId);
        }
        else
        {
            _sendFaults[accountId] = fault with { Remaining = fault.Remaining - 1 };
        }

        return fault;
    }

    /// <summary>One JSON line per delivered message, written through to the operating system before the send returns.</summary>
    private void AppendToReceivedLog(SimulatedMessage message)
    {
        var path = _options.ReceivedLog;
        if (path.Length == 0 || string.Equals(path, "off", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        try
        {
            if (_receivedLog is null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                _receivedLog = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            }

            var line = JsonSerializer.Serialize(new ReceivedLogLine(message.MessageId, message.AccountId, message.To, message.Text, message.At)) + "\n";
            _receivedLog.Write(Encoding.UTF8.GetBytes(line));
            _receivedLog.Flush();
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Could not append to the simulator's received-messages log {Path}", path);
        }
    }

    public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(accountId, out var s)
                ? new EngineSessionInfo(accountId, s.Request.Generation, s.Phase == Phase.Connected)
                : null);
        }
    }

    public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_sessions.TryGetValue(accountId, out var session) && session.Phase == Phase.Connected && !session.Zombie);
        }
    }

    public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyCollection<EngineSessionInfo> sessions = _sessions.Values
                .Select(s => new EngineSessionInfo(s.Request.AccountId, s.Request.Generation, s.Phase == Phase.Connected))
                .ToList();
            return Task.FromResult(sessions);
        }
    }

    private void OnStarted(Session session)
    {
        var request = session.Request;
        var now = _time.GetUtcNow();
        if (_bans.TryGetValue(request.AccountId, out var until))
        {
            if (until is null || until > now)
            {
                Close(request.AccountId);
                Emit(new TemporaryBanned(request.AccountId, request.Generation, "101", until));
                return;
            }

            _bans.Remove(request.AccountId);
        }

        var (state, deviceId, detail) = BaileysAuthFolder.Read(request.Folder);
        switch (state)
        {
            case BaileysAuthFolder.CredsState.Valid when deviceId is not null && _revokedDevices.Contains(deviceId):
                End(session, "401", "Stream Errored (conflict): device_removed");
                return;
            case BaileysAuthFolder.CredsState.Valid:
                session.DeviceId = deviceId;
                session.Phase = Phase.Connected;
                Emit(new SessionConnected(request.AccountId, request.Generation, $"{request.PhoneDigits}@s.whatsapp.net", "Simulated phone"));
                return;
            case BaileysAuthFolder.CredsState.Unreadable:
                End(session, "500", $"Bad session: {detail}");
                return;
        }

        switch (request.Link)
        {
            case LinkMode.Qr:
                IssueQr(session, 1);
                break;
            case LinkMode.PairingCode:
                session.Phase = Phase.AwaitingPairing;
                var expires = now + _options.PairingCodeLifetime;
                Emit(new PairingCodeIssued(request.AccountId, request.Generation, PairingCodeGenerator.New(), expires));
                Arm(session, _options.PairingCodeLifetime, s => End(s, "408", "Pairing code expired"));
                break;
            default:
                Close(request.AccountId);
                Emit(new NoValidSession(request.AccountId, request.Generation, detail));
                break;
        }
    }

    private void IssueQr(Session session, int index)
    {
        var request = session.Request;
        session.Phase = Phase.AwaitingQr;
        var lifetime = index == 1 ? _options.FirstQrLifetime : _options.QrRefLifetime;
        var value = $"2@{Token(24)},{Token(32)},{Token(32)},{Token(32)}";
        Emit(new QrIssued(request.AccountId, request.Generation, value, _time.GetUtcNow() + lifetime, index, _options.QrRefs));
        Arm(session, lifetime, s =>
        {
            if (index < _options.QrRefs)
            {
                IssueQr(s, index + 1);
            }
            else
            {
                End(s, "408", "QR refs attempts ended");
            }
        });
    }

    private static string Token(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Runs <paramref name="action"/> under the lock after <paramref name="delay"/>, unless the session moved on.</summary>
    private void Arm(Session session, TimeSpan delay, Action<Session> action)
    {
        session.Timer?.Dispose();
        var epoch = ++session.Epoch;
        session.Timer = _time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                if (session.Epoch == epoch && _sessions.TryGetValue(session.Request.AccountId, out var current) && ReferenceEquals(current, session))
                {
                    action(session);
                }
            }
        }, null, delay, Timeout.InfiniteTimeSpan);
    }

    private void End(Session session, string code, string text)
    {
        Close(session.Request.AccountId);
        Emit(new SessionDisconnected(session.Request.AccountId, session.Request.Generation, code, text));
    }

    private void Close(string accountId)
    {
        if (_sessions.Remove(accountId, out var session))
        {
            session.Epoch++;
            session.Timer?.Dispose();
        }
    }

    private void Emit(EngineEvent engineEvent)
    {
        if (!_events.Writer.TryWrite(engineEvent))
        {
            _logger.LogError("Simulator event queue full; dropped {EventType} for {AccountId}", engineEvent.GetType().Name, engineEvent.AccountId);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var id in _sessions.Keys.ToList())
            {
                Close(id);
            }
        }

        _events.Writer.TryComplete();
        lock (_gate)
        {
            _receivedLog?.Dispose();
            _receivedLog = null;
        }
    }
}
