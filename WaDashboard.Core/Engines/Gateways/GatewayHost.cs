using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Engines.Gateways;

/// <summary>
/// Runs the background work of every registered gateway server (<see cref="IGatewayServer.RunAsync"/>: QR polling while a
/// person links, periodic reconciliation) for the life of the host, and awaits all of it when the host stops. One server
/// whose work fails does not stop the others.
/// </summary>
public sealed class GatewayHost(IEnumerable<IGatewayServer> servers, ILogger<GatewayHost> logger) : BackgroundService
{
    private readonly IReadOnlyList<IGatewayServer> _servers = servers.ToList();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_servers.Count == 0)
        {
            return Task.CompletedTask;
        }

        logger.LogInformation("Running {Count} gateway servers: {Servers}", _servers.Count, string.Join(", ", _servers.Select(s => s.Server.Id)));
        return Task.WhenAll(_servers.Select(server => RunOneAsync(server, stoppingToken)));
    }

    private async Task RunOneAsync(IGatewayServer server, CancellationToken stoppingToken)
    {
        try
        {
            // Off the host's start-up path: a server's first pass must not hold up the other hosted services.
            await Task.Yield();
            await server.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Gateway {ServerId}: its background work stopped; reconciliation and QR polling are off until restart", server.Server.Id);
        }
    }
}
