using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;

namespace WaDashboard.Core.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's instruments and the fleet's observed levels, with System.Diagnostics.Metrics only: whoever hosts
    /// the core decides where they go (the web host adds OpenTelemetry, Prometheus and OTLP).
    /// </summary>
    public static IServiceCollection AddWaDashboardTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WaDashboardMetrics>();
        services.AddSingleton<FleetGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetGauges>());
        return services;
    }
}
