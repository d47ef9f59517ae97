using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core;

public static class DependencyInjection
{
    /// <summary>Everything of the core: storage, persistence, engine, reconnect policy and supervision.</summary>
    public static IServiceCollection AddWaDashboardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSessionStorage(configuration);
        services.AddPersistence(configuration);
        services.AddEngine(configuration);
        services.AddReconnect(configuration);
        services.AddSupervision(configuration);
        return services;
    }

    public static IServiceCollection AddSessionStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SessionFolders>();
        return services;
    }

    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersistenceOptions>().Bind(configuration.GetSection(PersistenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddDbContextFactory<WaDashboardDbContext>((provider, options) =>
        {
            var persistence = provider.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var connectionString = string.IsNullOrWhiteSpace(persistence.ConnectionString)
                ? new SqliteConnectionStringBuilder { DataSource = Path.Combine(storage.ResolveDataDirectory(), "wadashboard.db") }.ToString()
                : persistence.ConnectionString;
            options.UseSqlite(connectionString).AddInterceptors(new SqliteConnectionSettings(busyTimeout: TimeSpan.FromSeconds(5)));
        });
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<Audit.AuditLog>();
        services.AddSingleton<EfAccountStore>();
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService<WalCheckpointer>();
        return services;
    }

    public static IServiceCollection AddEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().Bind(configuration.GetSection(EngineOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SimulatorEngine>();
        services.AddSingleton<IWhatsAppEngine>(sp => sp.GetRequiredService<SimulatorEngine>());
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
        services.AddHostedService(sp => sp.GetRequiredService<Health.AlertCenter>());
        services.AddSingleton<DeadlineScheduler>();
        services.AddSingleton<Fleet>();
        services.AddHostedService<FleetHost>();
        services.AddSingleton<DeadlineLoop>();
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineLoop>());
        return services;
    }
}
