using MudBlazor.Services;
using Radzen;
using WaDashboard.Web.Api;
using WaDashboard.Web.Components;
using WaDashboard.Web.Components.Layout;
using WaDashboard.Web.Components.Shared;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Hosting;

public static class DependencyInjection
{
    public static IServiceCollection AddWaDashboardWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWaDashboardSecurity(configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        services.AddMudServices();
        services.AddThemePreference();
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<QrCodeRenderer>();
        services.AddHealthChecks().AddCheck<FleetHealthCheck>("fleet");
        services.AddHostedService<StartupBanner>();
        return services;
    }

    public static WebApplication UseWaDashboard(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        app.UseSecurityHeaders();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealthEndpoints();
        app.MapAccountEndpoints();
        app.MapWebhookEndpoints();
        app.MapGatewaysEndpoints();
        app.MapAccountsEndpoints();
        app.MapSimulatorEndpoints();
        app.MapDiagnosticsEndpoints();
        app.MapMessagesEndpoints();
        app.MapStorageEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
