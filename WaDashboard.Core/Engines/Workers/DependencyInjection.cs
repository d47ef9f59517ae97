using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Engines.Workers;

/// <summary>
/// The engines and the workers they run on: the simulator, one WAHA engine per configured gateway server, the router
/// that sends each account's calls to its worker and the send guard in front of it all.
/// </summary>
public static class EnginesServiceCollectionExtensions
{
    public static IServiceCollection AddEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(EngineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulatorOptions>().PostConfigure<IOptions<StorageOptions>>((simulator, storage) =>
        {
            if (string.IsNullOrWhiteSpace(simulator.ReceivedLog))
            {
                simulator.ReceivedLog = Path.Combine(storage.Value.ResolveDataDirectory(), "simulator", "received.jsonl");
            }
        });
        services.AddSingleton<SimulatorEngine>();
        services.AddGateways(configuration);
        // Each account's calls go to the worker it is placed on (the simulator or a gateway server).
        services.AddSingleton(sp =>
        {
            var workers = new List<EngineWorker>();
            if (sp.GetRequiredService<IOptions<EngineOptions>>().Value.IsSimulator)
            {
                workers.Add(new(EngineWorker.SimulatorId, "Simulator", sp.GetRequiredService<SimulatorEngine>(), Capacity: null, Url: null));
            }

            workers.AddRange(sp.GetRequiredService<GatewayServers>().All.Select(EngineWorker.ForGateway));
            return new WorkerRouter(workers, sp.GetRequiredService<IEngineAccounts>(),
                sp.GetRequiredService<ILogger<WorkerRouter>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<WorkerRouter>());
        // Every engine sits behind the send guard: no send reaches it for an account the fleet does not see as connected.
        services.AddSingleton(sp => new EngineSendGuard(sp.GetRequiredService<WorkerRouter>(), sp.GetRequiredService<IEngineAccounts>(),
            sp.GetRequiredService<ILogger<EngineSendGuard>>()));
        services.AddSingleton<IWhatsAppEngine>(sp => sp.GetRequiredService<EngineSendGuard>());
        return services;
    }

    /// <summary>
    /// Gateway servers (WAHA) from "Gateways:Servers": one engine per server, its background work (QR polling while a
    /// person links, reconciliation) and the webhook secret they sign with.
    /// </summary>
    public static IServiceCollection AddGateways(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayOptions>().Bind(configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Servers.Select(s => s.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Servers.Count,
                "Every Gateways:Servers:N:Id must be different.")
            .Validate(o => !o.Servers.Any(s => string.Equals(s.Id, EngineWorker.SimulatorId, StringComparison.OrdinalIgnoreCase)),
                "A gateway server cannot be called 'simulator'; choose another Gateways:Servers:N:Id.")
            .Validate(o => string.IsNullOrWhiteSpace(o.WebhookBaseUrl) || !string.IsNullOrWhiteSpace(o.WebhookSecret) || o.Servers.All(s => s.WebhookSecret.Length > 0),
                "Gateways:WebhookBaseUrl is set, so the gateways need a key to sign their webhooks: set Security:Webhooks:Secret (or Gateways:WebhookSecret, or Gateways:Servers:N:WebhookSecret for every server).")
            .Validate(o => o.Servers.All(s => s.WebhookSecret.Length is 0 or >= 24),
                "Gateways:Servers:N:WebhookSecret must be at least 24 random characters when set.")
            .Validate(o => o.Servers.Where(s => s.WebhookSecret.Length > 0).Select(s => s.WebhookSecret).Distinct(StringComparer.Ordinal).Count()
                           == o.Servers.Count(s => s.WebhookSecret.Length > 0),
                "Every Gateways:Servers:N:WebhookSecret must be different: one server's key must not sign another's webhooks.")
            .Validate(o => string.IsNullOrWhiteSpace(o.WebhookBaseUrl) || Uri.TryCreate(o.WebhookBaseUrl, UriKind.Absolute, out _),
                "Gateways:WebhookBaseUrl must be an absolute URL such as http://dashboard:5080.")
            .ValidateOnStart();
        // The gateways sign with the secret the webhook receiver checks, unless one is given here.
        services.PostConfigure<GatewayOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.WebhookSecret))
            {
                o.WebhookSecret = configuration["Security:Webhooks:Secret"] ?? "";
            }
        });
        services.AddHttpClient(GatewayServers.HttpClientName);
        services.AddSingleton<GatewayServers>();
        services.AddHostedService(sp => new GatewayHost(sp.GetRequiredService<GatewayServers>().All,
            sp.GetRequiredService<ILogger<GatewayHost>>()));
        services.AddOptions<EngineOptions>().Validate<IOptions<GatewayOptions>>((engine, gateways) => engine.IsSimulator || gateways.Value.Servers.Count > 0,
            "Engine:Kind is Gateways but no gateway server is configured: add one under Gateways:Servers (Id, Url, ApiKey, Capacity), or set Engine:Kind to Simulator.");
        return services;
    }
}
