using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Engines.Workers;

/// <summary>
/// The engine the fleet talks to when sessions run on several workers (the simulator and gateway servers): each call goes
/// to the worker the account is placed on (its committed <c>WorkerId</c>); the workers' events come out of one channel.
/// With a single worker its channel is used as it is (nothing is copied).
/// </summary>
public sealed class WorkerRouter : BackgroundService, IWhatsAppEngine
{
    private readonly IReadOnlyList<EngineWorker> _workers;
    private readonly Dictionary<string, EngineWorker> _byId;
    private readonly IEngineAccounts _accounts;
    private readonly ILogger<WorkerRouter> _logger;
    private readonly Channel<EngineEvent>? _merged;

    /// <param name="workers">Every configured worker.</param>
    /// <param name="accounts">Which worker each account is placed on.</param>
    public WorkerRouter(IEnumerable<EngineWorker> workers, IEngineAccounts accounts, ILogger<WorkerRouter> logger)
    {
        _workers = workers.ToList();
        if (_workers.Count == 0)
        {
            throw new WorkerUnavailableException("No engine is configured: enable the simulator (Engine:Kind) or configure a gateway server under Gateways:Servers.");
        }

        _byId = new Dictionary<string, EngineWorker>(StringComparer.OrdinalIgnoreCase);
        foreach (var worker in _workers)
        {
            if (!_byId.TryAdd(worker.Id, worker))
            {
                throw new WorkerUnavailableException($"Two engines are configured with the id '{worker.Id}'; every gateway server needs its own Gateways:Servers:N:Id.");
            }
        }

        _accounts = accounts;
        _logger = logger;
        _merged = _workers.Count > 1
            ? Channel.CreateBounded<EngineEvent>(new BoundedChannelOptions(200_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait })
            : null;
    }

    public string Name => _workers.Count == 1 ? _workers[0].Engine.Name : "workers";

    public IReadOnlyList<EngineWorker> Workers => _workers;

    public EngineWorker? Find(string workerId) => _byId.GetValueOrDefault(workerId);

    /// <summary>Where an account without a stored placement runs: the simulator when it is enabled, otherwise the first gateway.</summary>
    public string DefaultWorkerId => (_byId.GetValueOrDefault(EngineWorker.SimulatorId) ?? _workers[0]).Id;

    public ChannelReader<EngineEvent> Events => _merged?.Reader ?? _workers[0].Engine.Events;

    public EngineWorker WorkerFor(string accountId) =>
        FindWorkerFor(accountId)
        ?? throw new WorkerUnavailableException($"This account is placed on '{_accounts.WorkerOf(accountId) ?? DefaultWorkerId}', which is not configured. Configure that server again under Gateways:Servers, or move the account to another server (it will need relinking).");

    /// <summary>The account's worker, or null when the server it is placed on is not configured.</summary>
    private EngineWorker? FindWorkerFor(string accountId) => _byId.GetValueOrDefault(_accounts.WorkerOf(accountId) ?? DefaultWorkerId);

    public bool IsRemote(string accountId) => FindWorkerFor(accountId)?.IsRemote ?? false;

    public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken) =>
        WorkerFor(request.AccountId).Engine.StartSessionAsync(request, cancellationToken);

    public Task StopSessionAsync(string accountId, CancellationToken cancellationToken) =>
        WorkerFor(accountId).Engine.StopSessionAsync(accountId, cancellationToken);

    public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) =>
        WorkerFor(accountId).Engine.LogoutSessionAsync(accountId, cancellationToken);

    public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken) =>
        FindWorkerFor(accountId) is { } worker
            ? worker.Engine.SendTextAsync(accountId, toDigits, text, cancellationToken)
            : Task.FromResult(EngineSendResult.Refused("The account's server is not configured; nothing was sent."));

    public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) =>
        WorkerFor(accountId).Engine.GetSessionAsync(accountId, cancellationToken);

    public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken) =>
        FindWorkerFor(accountId) is { } worker
            ? worker.Engine.ProbeAsync(accountId, cancellationToken)
            : Task.FromResult(false);

    /// <summary>Sessions of the local workers only: gateways reconcile their own sessions (see <see cref="IsRemote"/>).</summary>
    public async Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        var local = _workers.Where(w => !w.IsRemote).ToList();
        if (local.Count == 1)
        {
            return await local[0].Engine.ListSessionsAsync(cancellationToken);
        }

        var all = new List<EngineSessionInfo>();
        foreach (var worker in local)
        {
            all.AddRange(await worker.Engine.ListSessionsAsync(cancellationToken));
        }

        return all;
    }

    /// <summary>
    /// Removes an account's session from a given worker (not necessarily the one it is placed on now): a gateway deletes
    /// it from its server, the simulator closes it. Used when an account moves away or is deleted.
    /// </summary>
    public async Task RemoveSessionAsync(string workerId, string accountId, CancellationToken cancellationToken)
    {
        switch (_byId.GetValueOrDefault(workerId))
        {
            case { Gateway: { } gateway }:
                await gateway.DeleteSessionAsync(accountId, cancellationToken);
                break;
            case { } worker:
                await worker.Engine.StopSessionAsync(accountId, cancellationToken);
                break;
            default:
                _logger.LogWarning("Session of {AccountId} was on {WorkerId}, which is not configured; nothing to remove there", accountId, workerId);
                break;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_merged is null)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_workers.Select(w => PumpAsync(w, _merged.Writer, stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static async Task PumpAsync(EngineWorker worker, ChannelWriter<EngineEvent> merged, CancellationToken stoppingToken)
    {
        await foreach (var engineEvent in worker.Engine.Events.ReadAllAsync(stoppingToken))
        {
            await merged.WriteAsync(engineEvent, stoppingToken);
        }
    }
}
