using Microsoft.Extensions.DependencyInjection;

namespace WaDashboard.Core.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>The loop that notices connections gone quiet or drifted from what the engine reports.</summary>
    public static IServiceCollection AddConnectionMonitoring(this IServiceCollection services)
    {
        services.AddSingleton<ConnectionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ConnectionMonitor>());
        return services;
    }
}
