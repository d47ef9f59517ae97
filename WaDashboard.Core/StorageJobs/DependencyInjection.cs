using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.StorageJobs;

public static class StorageJobsServiceCollectionExtensions
{
    /// <summary>The fleet cleanup job and the periodic storage maintenance, over the running fleet.</summary>
    public static IServiceCollection AddStorageJobs(this IServiceCollection services)
    {
        services.AddSingleton<ISessionOwners, FleetSessionOwners>();
        services.AddSingleton<SessionCleanupJob>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionCleanupJob>());
        services.AddSingleton<SessionStorageMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionStorageMaintenance>());
        return services;
    }
}
