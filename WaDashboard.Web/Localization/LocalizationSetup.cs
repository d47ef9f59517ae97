using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WaDashboard.Web.Localization;

/// <summary>
/// The console in English, Hebrew, Arabic and Indonesian. The language of a request is, in order: the signed-in
/// person's stored choice, the culture cookie (the last choice in this browser, also before signing in), the browser's
/// Accept-Language, English. The REST API is not localized: its fields and codes stay English.
/// </summary>
public static class LocalizationSetup
{
    public const string ChoosePath = "/account/language";

    public static IServiceCollection AddWaDashboardLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddScoped<LanguagePreference>();
        services.AddScoped<ConsoleText>();
        services.Replace(ServiceDescriptor.Transient<MudBlazor.MudLocalizer, MudTexts>());
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Languages.All.Select(l => l.Culture).ToList();
            options.DefaultRequestCulture = new RequestCulture(Languages.Default);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                new UserLanguageCultureProvider(),
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>After authentication (the stored choice is a claim of the signed-in person).</summary>
    public static WebApplication UseWaDashboardLocalization(this WebApplication app)
    {
        // The REST API, the probes and the metrics stay English and culture-invariant whatever the caller's language.
        app.UseWhen(context => !IsMachineFacing(context.Request.Path), console => console.UseRequestLocalization());
        return app;
    }

    /// <summary>A path on this site only ("/x", not "//host" or "/\\host"): the form can never send someone elsewhere.</summary>
    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static bool IsMachineFacing(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/openapi");

    /// <summary>Choosing a language: a form post with an antiforgery token, from the console's menu or the sign-in page.</summary>
    public static IEndpointRouteBuilder MapLanguageEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost(ChoosePath, async ([FromForm] string? language, [FromForm] string? returnUrl, LanguagePreference preference, HttpContext context) =>
        {
            if (Languages.Find(language) is not { } chosen || !string.Equals(chosen.Code, language, StringComparison.OrdinalIgnoreCase))
            {
                return Results.BadRequest();
            }

            await preference.SaveAsync(context, chosen);
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous();
        return app;
    }
}
