using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Engines;

namespace WaDashboard.Core.Sessions;

public static class SessionsServiceCollectionExtensions
{
    /// <summary>The fleet, one supervisor an account, the connect gate and the deadlines; the engines learn of accounts through it.</summary>
    public static IServiceCollection AddSupervision(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SupervisionOptions>().Bind(configuration.GetSection(SupervisionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEngineAccounts, FleetEngineAccounts>();
        services.AddSingleton<ConnectGate>();
        services.AddSingleton<FleetEvents>();
        services.AddSingleton<DeadlineScheduler>();
        services.AddSingleton<Fleet>();
        services.AddHostedService<FleetHost>();
        services.AddSingleton<DeadlineLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineLoop>());
        return services;
    }
}
