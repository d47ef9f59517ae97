using Microsoft.AspNetCore.Identity;
using WaDashboard.Core.Persistence;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Hosting;

/// <summary>Checks that run before any endpoint: refusals that must not depend on each endpoint remembering them.</summary>
public static class RequestGuards
{
    /// <summary>A header a cross-site form or a simple cross-origin request cannot send (it would need a CORS preflight, which is never granted).</summary>
    public const string CsrfHeader = "X-Requested-With";

    public static WebApplication UseRequestGuards(this WebApplication app)
    {
        app.Use(EndCircuitsWhenStopping);
        app.Use(RefuseCrossSiteWrites);
        app.Use(RefuseWritesTheDatabaseCannotKeep);
        return app;
    }

    /// <summary>
    /// On SIGTERM SignalR closes the open circuits and the browsers reconnect at once; a reconnect that lands before
    /// Kestrel stops listening is never ended and holds the shutdown for the whole host timeout (30 s) — dotnet/aspnetcore
    /// issue 58947, still open for .NET 10. So once the app is stopping, circuit requests are refused with 503 and the ones
    /// in flight are aborted: the process stops in about a second and the browsers reconnect to the next run.
    /// </summary>
    private static async Task EndCircuitsWhenStopping(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/_blazor"))
        {
            await next(context);
            return;
        }

        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        if (stopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var abort = stopping.Register(static state => ((HttpContext)state!).Abort(), context);
        await next(context);
    }

    private static bool IsWrite(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method) && !HttpMethods.IsTrace(request.Method);

    /// <summary>
    /// A write to the REST API authenticated by the sign-in cookie (not by an API key) must carry
    /// <see cref="CsrfHeader"/>, and an Origin, when sent, must be this dashboard: a form on another site (or another
    /// port of this host, which SameSite lets through) can do neither.
    /// </summary>
    private static async Task RefuseCrossSiteWrites(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (IsWrite(request) && request.Path.StartsWithSegments("/api") && !request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header)
            && request.Cookies.Keys.Any(k => k.StartsWith(Security.DependencyInjection.CookieName, StringComparison.Ordinal)))
        {
            var origin = request.Headers.Origin.ToString();
            var sameOrigin = origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
                && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase));
            if (!sameOrigin || !request.Headers.ContainsKey(CsrfHeader))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new
                {
                    title = "Cross-site request refused",
                    status = 403,
                    detail = sameOrigin
                        ? $"A write authenticated by the sign-in cookie must carry the {CsrfHeader} header (any value); automation sends an X-Api-Key instead."
                        : "A write authenticated by the sign-in cookie must come from this dashboard's own pages.",
                }, context.RequestAborted);
                return;
            }
        }

        await next(context);
    }

    /// <summary>While the database cannot take writes, REST writes are refused with 503 before anything is accepted.</summary>
    private static async Task RefuseWritesTheDatabaseCannotKeep(HttpContext context, RequestDelegate next)
    {
        var health = context.RequestServices.GetRequiredService<DatabaseHealth>();
        if (IsWrite(context.Request) && context.Request.Path.StartsWithSegments("/api") && health.State is { CanWrite: false } state)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            await context.Response.WriteAsJsonAsync(new
            {
                title = "The database cannot take writes",
                status = 503,
                detail = $"{state.Problem} Nothing was changed; try again once /healthz is healthy.",
            }, context.RequestAborted);
            return;
        }

        await next(context);
    }
}
