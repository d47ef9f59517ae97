using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Sessions;

/// <summary>Starts the fleet (restoring every account) and routes the engine's events to the supervisors.</summary>
public sealed class FleetHost(Fleet fleet, ILogger<FleetHost> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await fleet.StartAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var engineEvent in fleet.Engine.Events.ReadAllAsync(stoppingToken))
            {
                await fleet.DeliverAsync(engineEvent, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await fleet.StopAsync();
        logger.LogInformation("All account supervisors stopped");
    }
}

/// <summary>The one shared loop that turns due deadlines (reconnects, start timeouts) into supervisor inputs.</summary>
public sealed class DeadlineLoop(Fleet fleet, DeadlineScheduler deadlines, TimeProvider time, IOptions<SupervisionOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DeadlineTick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FireDueAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task FireDueAsync(CancellationToken cancellationToken)
    {
        foreach (var (accountId, deadline) in deadlines.TakeDue(time.GetUtcNow()))
        {
            await fleet.PostAsync(accountId, deadline, cancellationToken);
        }
    }
}
