using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public static IServiceCollection AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PersistenceOptions>().Bind(configuration.GetSection(PersistenceOptions.Section)).ValidateDataAnnotations()
            .Validate(_ => string.IsNullOrWhiteSpace(configuration["Persistence:ConnectionString"]),
                "Persistence:ConnectionString has moved: put the connection string in ConnectionStrings:WaDashboard and name the database in Database:Provider (Sqlite, SqlServer or Postgres).")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure<IOptions<StorageOptions>>((database, storage) =>
            {
                database.ConnectionString = DatabaseSetup.ResolveConnectionString(database.Provider,
                    configuration.GetConnectionString(DatabaseOptions.ConnectionStringName), storage.Value.ResolveDataDirectory());
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Pooled: the state writer takes a context per batch, hundreds of times a second; a pooled one is reset and reused
        // instead of building a new service scope each time (measured: a fifth of the writer's allocations).
        services.AddPooledDbContextFactory<WaDashboardDbContext>((provider, options) =>
            options.UseWaDashboardDatabase(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<DatabaseHealth>();
        services.AddSingleton<DatabaseProbe>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseProbe>());
        services.AddSingleton<EfAccountStore>();
        services.AddSingleton<SessionSnapshotStore>();
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService(sp => sp.GetRequiredService<EfAccountStore>());
        services.AddHostedService<WalCheckpointer>();
        return services;
    }
}
