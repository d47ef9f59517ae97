using Microsoft.Extensions.DependencyInjection;

namespace WaDashboard.Core.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's instruments, with System.Diagnostics.Metrics only: whoever hosts the core decides where they go
    /// (the web host adds OpenTelemetry, Prometheus and OTLP).
    /// </summary>
    public static IServiceCollection AddWaDashboardTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<WaDashboardMetrics>();
        return services;
    }
}
