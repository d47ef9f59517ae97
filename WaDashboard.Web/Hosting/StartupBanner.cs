using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WaDashboard.Core.Engines;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Hosting;

/// <summary>Prints where the dashboard is, once it listens.</summary>
public sealed class StartupBanner(IServer server, IHostApplicationLifetime lifetime, IOptions<EngineOptions> engine, ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            logger.LogInformation("WaDashboard is ready at {Urls} (engine: {Engine})", string.Join(", ", addresses), engine.Value.Kind);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
