using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Audit;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Workers;
using WaDashboard.Core.Health;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Monitoring;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Core.StorageJobs;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Core;

public static class DependencyInjection
{
    /// <summary>
    /// Everything of the core, ring by ring: storage, persistence and the engines; supervision; the features on top.
    /// Hosted services start in this order and stop in the reverse one (the outbox stops before supervision).
    /// </summary>
    public static IServiceCollection AddWaDashboardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSessionStorage(configuration);
        services.AddPersistence(configuration);
        services.AddAudit();
        services.AddEngine(configuration);
        services.AddReconnectPolicy(configuration);
        services.AddConnectionMonitoring();
        services.AddFleetAlerts(configuration);
        services.AddSupervision(configuration);
        services.AddMessaging(configuration);
        services.AddDiagnostics();
        services.AddStorageJobs();
        services.AddWaDashboardTelemetry();
        services.AddFleetGauges(configuration);
        return services;
    }
}
