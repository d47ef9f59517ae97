using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Observability;

/// <summary>
/// Who may scrape: an Admin (signed in, or with an Admin key in <c>X-Api-Key</c>), or whoever holds
/// <c>Observability:MetricsKey</c> as a bearer token — what Prometheus sends with <c>authorization: {credentials: …}</c>.
/// Anyone else gets 401 (no credentials) or 403 (credentials of a lesser role) as a problem, never a sign-in redirect.
/// </summary>
public static class MetricsEndpoint
{
    public static void Gate(IApplicationBuilder branch) => branch.Use(async (context, next) =>
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        if (context.User.IsInRole(Roles.Admin) || HoldsMetricsKey(context.Request, options.MetricsKey))
        {
            await next(context);
            return;
        }

        var signedIn = context.User.Identity?.IsAuthenticated == true;
        context.Response.StatusCode = signedIn ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        if (!signedIn)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
        }

        await Results.Problem(statusCode: context.Response.StatusCode, title: signedIn ? "Forbidden" : "Unauthorized",
            detail: signedIn
                ? "Only an Admin, or the metrics key, may read the metrics."
                : "Send the metrics key as 'Authorization: Bearer <Observability:MetricsKey>', or an Admin key in X-Api-Key.").ExecuteAsync(context);
    });

    private static bool HoldsMetricsKey(HttpRequest request, string metricsKey)
    {
        if (string.IsNullOrEmpty(metricsKey))
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[bearer.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(metricsKey)));
    }
}
