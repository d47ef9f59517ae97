using System.Threading.Channels;
using WaDashboard.Core.Engines;

namespace WaDashboard.Bench.Running;

/// <summary>
/// An engine whose events the bench writes: the pipeline scenario feeds engine events into the product exactly where
/// a real engine's arrive (the event channel the fleet pumps). Starts and stops do nothing; every account the bench
/// names is reported live, so the connection monitor sees no drift.
/// </summary>
public sealed class ScriptedEngine : IWhatsAppEngine
{
    private readonly Channel<EngineEvent> _events = Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(1_000_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private IReadOnlyCollection<EngineSessionInfo> _sessions = [];
    private long _starts;

    public string Name => "scripted";

    public ChannelReader<EngineEvent> Events => _events.Reader;

    /// <summary>Engine starts the product asked for (a reconnect deadline that came due).</summary>
    public long Starts => Interlocked.Read(ref _starts);

    public void ReportLive(IEnumerable<string> accountIds, int generation) =>
        _sessions = accountIds.Select(id => new EngineSessionInfo(id, generation, Connected: true)).ToList();

    public void Emit(EngineEvent engineEvent)
    {
        if (!_events.Writer.TryWrite(engineEvent))
        {
            throw new InvalidOperationException("The engine's event queue is full.");
        }
    }

    public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _starts);
        return Task.CompletedTask;
    }

    public Task StopSessionAsync(string accountId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken) =>
        Task.FromResult(new EngineSendResult(false, null, "The scripted engine does not send."));

    public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.FirstOrDefault(s => s.AccountId == accountId));

    public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) => Task.FromResult(_sessions);

    public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.Any(s => s.AccountId == accountId && s.Connected));
}
