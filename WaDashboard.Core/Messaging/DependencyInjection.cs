using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>The outbox: persisted messages, the one rate-limited dispatcher loop. Registered after supervision, so it stops first.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EfOutboxStore>();
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<EfOutboxStore>());
        services.AddHostedService(sp => sp.GetRequiredService<EfOutboxStore>());
        services.AddSingleton<Outbox>();
        services.AddHostedService(sp => sp.GetRequiredService<Outbox>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService<DeliveryReceipts>();
        return services;
    }
}
