using MudBlazor.Services;
using WaDashboard.Web.Api;
using WaDashboard.Web.Components;
using WaDashboard.Web.Components.Layout;
using WaDashboard.Web.Components.Shared;
using WaDashboard.Web.Localization;
using WaDashboard.Web.Observability;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Hosting;

public static class DependencyInjection
{
    /// <summary>
    /// What the host itself needs: files it creates readable by its own user only, Serilog, and the static web assets
    /// of the component libraries served from the build output in every environment (so that <c>dotnet run</c> without
    /// Development, as the README says, serves them too).
    /// </summary>
    public static WebApplicationBuilder AddWaDashboardHosting(this WebApplicationBuilder builder)
    {
        PrivateFiles.Restrict();
        // The server's own work (logs, background loops, the REST API) never depends on the machine's locale; each page
        // request gets the person's language from the request localization.
        System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
        builder.WebHost.UseStaticWebAssets();
        builder.AddWaDashboardLogging();
        builder.Services.AddHostedService<PrivateFiles>();
        return builder;
    }

    public static IServiceCollection AddWaDashboardWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWaDashboardSecurity(configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddThemePreference();
        services.AddWaDashboardLocalization();
        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorAnswers>();
        // Bad input reaches ErrorAnswers as an exception in every environment, which answers with the field at fault.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddSingleton<QrCodeRenderer>();
        services.AddHealthChecks().AddCheck<FleetReadinessCheck>("fleet");
        services.AddHostedService<StartupBanner>();
        services.AddWaDashboardObservability(configuration);
        return services;
    }

    public static WebApplication UseWaDashboard(this WebApplication app)
    {
        app.UseWaDashboardRequestLogging();
        // The developer exception page (stack, headers) only when asked for: Development and DetailedErrors=true.
        if (!(app.Environment.IsDevelopment() && app.Configuration.GetValue<bool>("DetailedErrors")))
        {
            app.UseExceptionHandler();
        }

        app.UseWaDashboardObservability();
        app.UseSecurityHeaders();
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseRequestGuards();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWaDashboardLocalization();
        app.UseAntiforgery();
        app.MapProbeEndpoints();
        app.MapSignOutEndpoints();
        app.MapLanguageEndpoint();
        app.MapUsersEndpoints();
        app.MapWebhookEndpoints();
        app.MapGatewaysEndpoints();
        app.MapAccountsEndpoints();
        app.MapSimulatorEndpoints();
        app.MapProcessEndpoints();
        app.MapMessagesEndpoints();
        app.MapStorageEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
