using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WaDashboard.Core.Health;

public static class HealthServiceCollectionExtensions
{
    /// <summary>Alerts (the alert center, the alert webhook, database alerts) and the fleet health report.</summary>
    public static IServiceCollection AddFleetAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<AlertCenter>();
        services.AddSingleton<FleetHealthReport>();
        services.AddSingleton<IStorageFindingCounts, StorageFindingCounts>();
        services.AddOptions<AlertWebhookOptions>().Bind(configuration.GetSection(AlertWebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(nameof(AlertWebhook));
        services.AddSingleton<AlertWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertWebhook>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertCenter>());
        services.AddHostedService<DatabaseAlerts>();
        return services;
    }

    /// <summary>The fleet's observed levels (accounts by status, outbox depth, findings) as metric gauges.</summary>
    public static IServiceCollection AddFleetGauges(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FleetGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetGauges>());
        return services;
    }
}
