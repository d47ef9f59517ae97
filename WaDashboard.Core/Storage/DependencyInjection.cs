using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Storage;

public static class StorageServiceCollectionExtensions
{
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
}
