using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Core;

public static class DependencyInjection
{
    /// <summary>Everything of the core: storage, persistence, engine, reconnect policy, supervision and session health.</summary>
    public static IServiceCollection AddWaDashboardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSessionStorage(configuration);
        services.AddPersistence(configuration);
        services.AddEngine(configuration);
        services.AddReconnect(configuration);
        services.AddSupervision(configuration);
        services.AddMessaging(configuration);
        services.AddSessionHealth(configuration);
        services.AddWaDashboardTelemetry(configuration);
        return services;
    }

    /// <summary>
    /// Session folders and what works on them without the fleet: the root lock (taken first, before anything else
    /// starts), inspectors, quarantine, creds.json backups, repairs and the cleanup planner.
    /// </summary>
    public static IServiceCollection AddSessionStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionStorageOptions>().Bind(configuration.GetSection(SessionStorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SessionFolders>();
        services.AddSingleton<SessionRootLock>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionRootLock>());
        services.AddSingleton<SessionInspector>();
        services.AddSingleton<SessionQuarantine>();
        services.AddSingleton<CredsBackups>();
        services.AddSingleton<SessionRepairs>();
        services.AddSingleton<CleanupPlanner>();
        services.AddSingleton<SessionCleanup>();
        return services;
    }

    /// <summary>Diagnostics, the fleet cleanup job and the periodic storage maintenance, over the running fleet.</summary>
    public static IServiceCollection AddSessionHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ISessionOwners, FleetSessionOwners>();
        services.AddSingleton<StorageDiagnostics>();
        services.AddSingleton<SessionCleanupJob>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionCleanupJob>());
        services.AddSingleton<SessionStorageMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionStorageMaintenance>());
        return services;
    }

    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersistenceOptions>().Bind(configuration.GetSection(PersistenceOptions.Section)).ValidateDataAnnotations()
            .Validate(_ => string.IsNullOrWhiteSpace(configuration["Persistence:ConnectionString"]),
                "Persistence:ConnectionString has moved: put the connection string in ConnectionStrings:WaDashboard and name the database in Database:Provider (Sqlite, SqlServer or Postgres).")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure<IOptions<StorageOptions>>((database, storage) =>
            {
                database.ConnectionString = DatabaseSetup.ResolveConnectionString(database.Provider,
                    configuration.GetConnectionString(DatabaseOptions.ConnectionStringName), storage.Value.ResolveDataDirectory());
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Pooled: the state writer takes a context per batch, hundreds of times a second; a pooled one is reset and reused
        // instead of building a new service scope each time (measured: a fifth of the writer's allocations).
        services.AddPooledDbContextFactory<WaDashboardDbContext>((provider, options) =>
            options.UseWaDashboardDatabase(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<DatabaseHealth>();
        services.AddSingleton<DatabaseProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseProbe>());
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<EfAccountStore>();
        services.AddSingleton<SessionSnapshotStore>();
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService<WalCheckpointer>();
        return services;
    }

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
            var fleet = new Lazy<Fleet>(sp.GetRequiredService<Fleet>);
            var workers = new List<Engines.Workers.EngineWorker>();
            if (sp.GetRequiredService<IOptions<EngineOptions>>().Value.IsSimulator)
            {
                workers.Add(new(Engines.Workers.EngineWorker.SimulatorId, "Simulator", sp.GetRequiredService<SimulatorEngine>(), Capacity: null, Url: null));
            }

            workers.AddRange(sp.GetRequiredService<Engines.Gateways.GatewayServers>().All.Select(Engines.Workers.EngineWorker.ForGateway));
            return new Engines.Workers.WorkerRouter(workers, id => fleet.Value.Get(id)?.WorkerId,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Engines.Workers.WorkerRouter>>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<Engines.Workers.WorkerRouter>());
        // Every engine sits behind the send guard: no send reaches it for an account the fleet does not see as connected.
        services.AddSingleton(sp =>
        {
            var fleet = new Lazy<Fleet>(sp.GetRequiredService<Fleet>);
            return new EngineSendGuard(sp.GetRequiredService<Engines.Workers.WorkerRouter>(), id => fleet.Value.Get(id)?.HasLiveConnection == true,
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<EngineSendGuard>>());
        });
        services.AddSingleton<IWhatsAppEngine>(sp => sp.GetRequiredService<EngineSendGuard>());
        return services;
    }

    /// <summary>
    /// Gateway servers (WAHA) from "Gateways:Servers": one engine per server, its background work (QR polling while a
    /// person links, reconciliation) and the webhook secret they sign with.
    /// </summary>
    public static IServiceCollection AddGateways(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Engines.Gateways.GatewayOptions>().Bind(configuration.GetSection(Engines.Gateways.GatewayOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Servers.Select(s => s.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count() == o.Servers.Count,
                "Every Gateways:Servers:N:Id must be different.")
            .Validate(o => !o.Servers.Any(s => string.Equals(s.Id, Engines.Workers.EngineWorker.SimulatorId, StringComparison.OrdinalIgnoreCase)),
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
        services.PostConfigure<Engines.Gateways.GatewayOptions>(o =>
        {
            if (string.IsNullOrWhiteSpace(o.WebhookSecret))
            {
                o.WebhookSecret = configuration["Security:Webhooks:Secret"] ?? "";
            }
        });
        services.AddHttpClient(Engines.Gateways.GatewayServers.HttpClientName);
        services.AddSingleton<Engines.Gateways.GatewayServers>();
        services.AddHostedService(sp => new Engines.Gateways.GatewayHost(sp.GetRequiredService<Engines.Gateways.GatewayServers>().All,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Engines.Gateways.GatewayHost>>()));
        services.AddOptions<EngineOptions>().Validate<IOptions<Engines.Gateways.GatewayOptions>>((engine, gateways) => engine.IsSimulator || gateways.Value.Servers.Count > 0,
            "Engine:Kind is Gateways but no gateway server is configured: add one under Gateways:Servers (Id, Url, ApiKey, Capacity), or set Engine:Kind to Simulator.");
        return services;
    }

    public static IServiceCollection AddReconnect(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconnectOptions>().Bind(configuration.GetSection(ReconnectOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ConnectGate>();
        services.AddSingleton<ConnectionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionMonitor>());
        return services;
    }

    public static IServiceCollection AddSupervision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SupervisionOptions>().Bind(configuration.GetSection(SupervisionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FleetEvents>();
        services.AddSingleton<Health.AlertCenter>();
        services.AddSingleton<Health.FleetHealthReport>();
        services.AddSingleton<Health.IStorageFindingCounts, Health.StorageFindingCounts>();
        services.AddOptions<Health.AlertWebhookOptions>().Bind(configuration.GetSection(Health.AlertWebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(nameof(Health.AlertWebhook));
        services.AddSingleton<Health.AlertWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<Health.AlertWebhook>());
        services.AddHostedService(sp => sp.GetRequiredService<Health.AlertCenter>());
        services.AddHostedService<Health.DatabaseAlerts>();
        services.AddSingleton<DeadlineScheduler>();
        services.AddSingleton<Fleet>();
        services.AddHostedService<FleetHost>();
        services.AddSingleton<DeadlineLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineLoop>());
        return services;
    }

    /// <summary>The outbox: persisted messages, the one rate-limited dispatcher loop. Registered after supervision, so it stops first.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EfOutboxStore>();
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<EfOutboxStore>());
        services.AddHostedService(sp => sp.GetRequiredService<EfOutboxStore>());
        services.AddSingleton<Outbox>();
        services.AddHostedService(sp => sp.GetRequiredService<Outbox>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<DeliveryReceipts>();
        return services;
    }
}
