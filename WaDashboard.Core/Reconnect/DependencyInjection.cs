using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace WaDashboard.Core.Reconnect;

public static class ReconnectServiceCollectionExtensions
{
    /// <summary>The reconnect policy's options: backoff, budget, how many connect attempts run at once.</summary>
    public static IServiceCollection AddReconnectPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconnectOptions>().Bind(configuration.GetSection(ReconnectOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
