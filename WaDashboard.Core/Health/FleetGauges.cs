using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Core.Health;

/// <summary>How often the levels that need a query (messages waiting for a person, storage findings) are sampled.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Observability";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StorageSampleInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// The fleet's levels as observable instruments on the dashboard's meter, read when a scrape or an export asks: accounts
/// by state and server, gateway servers up, outbox depth and send outcomes, guard refusals. What needs a query is
/// sampled by this service's loop and the last sample is observed.
/// </summary>
public sealed class FleetGauges(
    WaDashboardMetrics metrics,
    Fleet fleet,
    Outbox outbox,
    OutboxDispatcher dispatcher,
    EngineSendGuard guard,
    GatewayServers gateways,
    StorageDiagnostics storage,
    TimeProvider time,
    IOptions<TelemetryOptions> options,
    ILogger<FleetGauges> logger) : BackgroundService
{
    private long _unknownMessages;
    private long _failedMessages;
    private (int Info, int Warning, int Critical) _findings;
    private DateTimeOffset _storageSampledAt = DateTimeOffset.MinValue;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("wadashboard.accounts", ObserveAccounts, "{account}", "Accounts by state and by the server their session runs on.");
        meter.CreateObservableGauge("wadashboard.accounts.reconnect_paused", () => fleet.Accounts.Count(a => a.AutoReconnectPaused), "{account}",
            "Accounts whose automatic reconnects the loop breaker (or a person's stop) has paused.");
        meter.CreateObservableGauge("wadashboard.gateway.up", ObserveGateways, "{server}",
            "1 while a gateway server answers, 0 while its calls fail or its breaker is open.");
        meter.CreateObservableGauge("wadashboard.outbox.depth", () => outbox.QueueDepths.Values.Sum(), "{message}", "Messages queued to be sent.");
        meter.CreateObservableGauge("wadashboard.outbox.waiting_for_person", ObserveWaiting, "{message}",
            "Messages a person must decide on: unknown (may or may not have gone out) and failed.");
        meter.CreateObservableCounter("wadashboard.outbox.sends", ObserveSends, "{message}",
            "Send outcomes: sent, failed, unknown, retried, expired, not_connected, and the acknowledgements delivered and read.");
        meter.CreateObservableCounter("wadashboard.guard.refusals", () => guard.RefusedSends, "{send}",
            "Sends refused at the engine boundary because the account was not connected (stays 0 while the outbox works).");
        meter.CreateObservableGauge("wadashboard.storage.findings", ObserveFindings, "{finding}", "Session storage findings by severity.");
        meter.CreateObservableGauge("wadashboard.database.writable", () => metrics.DatabaseWritable ? 1 : 0, null,
            "1 while the database commits the dashboard's writes, 0 after a write it refused.");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, time);
        try
        {
            do
            {
                await SampleAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One sample of the levels that need a query; a failing query keeps the last sample.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var counts = await outbox.CountByStatusAsync(null, cancellationToken);
            Interlocked.Exchange(ref _unknownMessages, counts.GetValueOrDefault(OutboxStatus.Unknown));
            Interlocked.Exchange(ref _failedMessages, counts.GetValueOrDefault(OutboxStatus.Failed));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not count the outbox's messages for the metrics");
        }

        var now = time.GetUtcNow();
        if (now - _storageSampledAt < options.Value.StorageSampleInterval)
        {
            return;
        }

        try
        {
            var findings = (await storage.DiagnoseFleetAsync(cancellationToken)).Findings;
            _findings = (findings.Count(f => f.Severity == FindingSeverity.Info), findings.Count(f => f.Severity == FindingSeverity.Warning),
                findings.Count(f => f.Severity == FindingSeverity.Critical));
            _storageSampledAt = now;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not diagnose session storage for the metrics");
        }
    }

    private IEnumerable<Measurement<int>> ObserveAccounts()
    {
        var byStateAndServer = fleet.Accounts.GroupBy(a => (a.Status, a.WorkerId)).ToDictionary(g => g.Key, g => g.Count());
        var servers = fleet.Workers.Workers.Select(w => w.Id).Concat(byStateAndServer.Keys.Select(k => k.WorkerId)).Distinct(StringComparer.OrdinalIgnoreCase);
        // Every state of every server is reported, zeros included, so a series does not vanish when its last account leaves.
        foreach (var server in servers)
        {
            foreach (var status in Enum.GetValues<Accounts.AccountStatus>())
            {
                yield return new Measurement<int>(byStateAndServer.GetValueOrDefault((status, server)),
                    new("state", status.ToString()), new("server", server));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveGateways() =>
        gateways.All.Select(g => new Measurement<int>(g.Health.State == GatewayReachability.Up ? 1 : 0,
            new KeyValuePair<string, object?>("server", g.Server.Id)));

    private IEnumerable<Measurement<long>> ObserveWaiting()
    {
        yield return new(Interlocked.Read(ref _unknownMessages), new KeyValuePair<string, object?>("status", "unknown"));
        yield return new(Interlocked.Read(ref _failedMessages), new KeyValuePair<string, object?>("status", "failed"));
    }

    private IEnumerable<Measurement<long>> ObserveSends()
    {
        var stats = dispatcher.Stats;
        var (delivered, read) = metrics.Acknowledgements;
        yield return Outcome(stats.Sent, "sent");
        yield return Outcome(stats.Failed, "failed");
        yield return Outcome(stats.Unknown, "unknown");
        yield return Outcome(stats.Retried, "retried");
        yield return Outcome(stats.Expired, "expired");
        yield return Outcome(stats.HeldNotConnected + stats.RefusedNotConnected, "not_connected");
        yield return Outcome(delivered, "delivered");
        yield return Outcome(read, "read");
    }

    private IEnumerable<Measurement<int>> ObserveFindings()
    {
        var (info, warning, critical) = _findings;
        yield return new(info, new KeyValuePair<string, object?>("severity", "info"));
        yield return new(warning, new KeyValuePair<string, object?>("severity", "warning"));
        yield return new(critical, new KeyValuePair<string, object?>("severity", "critical"));
    }

    private static Measurement<long> Outcome(long value, string outcome) => new(value, new KeyValuePair<string, object?>("outcome", outcome));
}
