using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Security;

public static class DependencyInjection
{
    public const string DashboardScheme = "Dashboard";
    public const string CookieName = "WaDashboard.Auth";
    private const string SignedInAtItem = "wad.signed-in-at";

    /// <summary>Sign-in (Identity, cookies), API keys, roles and policies, first-run setup, webhooks, hardening.</summary>
    public static IServiceCollection AddWaDashboardSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        // The same database as the accounts, with its own migrations history.
        services.AddDbContextFactory<SecurityDbContext>((provider, options) =>
            options.UseWaDashboardDatabase(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value, SecurityDbContext.MigrationsTable));
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<SecurityDbContext>>().CreateDbContext());

        services.AddIdentityCore<DashboardUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SecurityDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<LocalizedIdentityErrors>();
        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((identity, security) =>
        {
            identity.Password.RequiredLength = security.Value.MinPasswordLength;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireLowercase = true;
            identity.Password.RequireDigit = true;
            // Lockout only carries "disabled by an admin"; wrong passwords are throttled per client (AuthThrottle), never per account.
            identity.Lockout.AllowedForNewUsers = true;
            identity.User.RequireUniqueEmail = true;
        });

        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<SecurityOptions>>((stamps, security) =>
            stamps.ValidationInterval = security.Value.SessionRevalidation);

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = DashboardScheme;
                options.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(DashboardScheme, "Cookie or API key", policy =>
                policy.ForwardDefaultSelector = context => context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SecurityOptions>, TimeProvider>((cookie, security, time) =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.LoginPath = "/account/login";
                cookie.AccessDeniedPath = "/account/denied";
                cookie.ExpireTimeSpan = security.Value.InactivityTimeout;
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden);
                // The sign-in time travels in the cookie: renewals (sliding expiry, stamp checks) reset IssuedUtc, not this.
                cookie.Events.OnSigningIn = context =>
                {
                    context.Properties.Items[SignedInAtItem] = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                    return Task.CompletedTask;
                };
                var stampCheck = cookie.Events.OnValidatePrincipal;
                cookie.Events.OnValidatePrincipal = async context =>
                {
                    var signedIn = context.Properties.Items.TryGetValue(SignedInAtItem, out var at) && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed)
                        ? parsed
                        : context.Properties.IssuedUtc;
                    if (signedIn is { } issued && time.GetUtcNow() - issued > security.Value.AbsoluteSessionLifetime)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                        return;
                    }

                    await stampCheck(context);
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Operate, policy => policy.RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Policies.Administer, policy => policy.RequireRole(Roles.Admin));
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, SessionRevalidation>();
        services.AddSingleton<AuthThrottle>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<UserAccess>();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = null;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = AuthThrottle.OnRejected;
        });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<AuthThrottle>((limiter, throttle) =>
            limiter.GlobalLimiter = throttle.CredentialedRequests());

        // Keys live under {Storage:DataDirectory}/keys, so sign-in cookies survive restarts; resolved from the final configuration.
        services.AddDataProtection().SetApplicationName("WaDashboard");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, ILoggerFactory>((keys, storage, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(storage.Value.ResolveDataDirectory(), "keys")), loggers));

        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<FirstRunSetup>();
        services.AddSingleton<WebhookReplayLog>();
        services.AddSingleton(sp => new WebhookSignatureVerifier(sp.GetRequiredService<IOptions<SecurityOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WebhookReplayLog>()));
        services.AddSingleton<CircuitCounter>();
        services.AddScoped<CircuitHandler, CircuitLimiter>();
        services.AddScoped<OperatorActions>();
        services.AddHostedService<SecurityStartup>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SecurityOptions>>((kestrel, security) =>
            kestrel.Limits.MaxRequestBodySize = security.Value.MaxRequestBodyKb * 1024L);
        return services;
    }

    /// <summary>The REST API answers 401/403 with a JSON problem; pages redirect to sign-in.</summary>
    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return context.Response.WriteAsJsonAsync(new
            {
                title = status == 401 ? "Unauthorized" : "Forbidden",
                status,
                detail = status == 401
                    ? $"Sign in, or send a valid key in the {ApiKeyAuthenticationHandler.Header} header."
                    : "Your role may not do this.",
            });
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
