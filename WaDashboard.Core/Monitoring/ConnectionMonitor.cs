using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Monitoring;

/// <summary>
/// The periodic safety net (default every 30 s): retries that are overdue, starts that hang past the start
/// timeout, drift — accounts the dashboard believes are live but the engine no longer holds (a crashed
/// browser, a webhook that never arrived) — and zombies, connected sessions that fail a liveness probe.
/// Each finding goes to the account's supervisor like any other input.
/// </summary>
public sealed class ConnectionMonitor(Fleet fleet, IWhatsAppEngine engine, TimeProvider time, IOptions<ReconnectOptions> options, ILogger<ConnectionMonitor> logger)
    : BackgroundService
{
    /// <summary>Slack before a deadline counts as lost, so the monitor never races the deadline loop.</summary>
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MonitorInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Connection monitor pass failed; trying again next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns how many inputs it posted.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var startTimeout = options.Value.StartTimeout;
        // Gateway sessions are reconciled by their gateway (IsRemote), so only local sessions are compared here.
        // Our view first, the engine's second: a session that connects in between is then in the engine's list,
        // so it cannot look drifted; a real loss shows in both orders.
        var accounts = fleet.Supervision.ToList();
        var live = (await engine.ListSessionsAsync(cancellationToken)).ToDictionary(s => s.AccountId, StringComparer.Ordinal);
        var posted = 0;
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (state, lastStart) in accounts)
        {
            SupervisorInput? input = state.Status switch
            {
                AccountStatus.Reconnecting when state.NextAttemptAt is { } due && now - due > Grace =>
                    new DeadlineReached(DeadlineKind.ReconnectDue, state.StartToken),
                AccountStatus.Starting when lastStart is { } start && start.Token == state.StartToken && now - start.At > startTimeout + Grace =>
                    new DeadlineReached(DeadlineKind.StartTimeout, state.StartToken),
                AccountStatus.Connected or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode when !engine.IsRemote(state.Id) && Drifted(state, live, out var detail) =>
                    new DriftDetected(detail, state.StartToken),
                _ => null,
            };

            if (input is null)
            {
                continue;
            }

            logger.LogInformation("Monitor: {AccountId} ({Phone}) is {Status}; posting {Input}", state.Id, state.Phone.Masked, state.Status, input.GetType().Name);
            await fleet.PostAsync(state.Id, input, cancellationToken);
            flagged.Add(state.Id);
            posted++;
        }

        posted += await ProbeConnectedAsync(accounts.Select(a => a.State).Where(s => s.Status == AccountStatus.Connected && !flagged.Contains(s.Id)), cancellationToken);
        return posted;
    }

    /// <summary>Zombie detection: every connected account's session must answer a probe; a few probes at a time.</summary>
    private async Task<int> ProbeConnectedAsync(IEnumerable<AccountState> connected, CancellationToken cancellationToken)
    {
        var zombies = 0;
        await Parallel.ForEachAsync(connected, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (state, ct) =>
        {
            if (await engine.ProbeAsync(state.Id, ct))
            {
                return;
            }

            logger.LogWarning("Monitor: {AccountId} ({Phone}) is connected but failed its liveness probe", state.Id, state.Phone.Masked);
            await fleet.PostAsync(state.Id, new ZombieDetected(state.StartToken), ct);
            Interlocked.Increment(ref zombies);
        });
        return zombies;
    }

    private static bool Drifted(AccountState state, Dictionary<string, EngineSessionInfo> live, out string detail)
    {
        if (!live.TryGetValue(state.Id, out var session) || session.Generation != state.Generation)
        {
            detail = "The engine no longer holds this session (it crashed or was restarted, and no disconnect was reported).";
            return true;
        }

        if (state.Status == AccountStatus.Connected && !session.Connected)
        {
            detail = "The engine holds this session but it is not connected.";
            return true;
        }

        detail = "";
        return false;
    }
}
