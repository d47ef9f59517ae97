using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>Authenticates REST calls that carry <c>X-Api-Key</c>; the key's role becomes the caller's role.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys, AuthThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await keys.ValidateAsync(values.ToString(), Context.RequestAborted);
        if (identity is null)
        {
            throttle.Failed(AuthThrottle.ClientOf(Context));
            return AuthenticateResult.Fail("The API key is not valid or was revoked.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "api-key:" + identity.Name), new Claim(ClaimTypes.Role, identity.Role)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        await Response.WriteAsJsonAsync(new
        {
            title = "Unauthorized",
            status = 401,
            detail = $"Send a valid key in the {Header} header (an admin creates keys under Admin → API keys), or sign in.",
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Response.WriteAsJsonAsync(new { title = "Forbidden", status = 403, detail = "This key's role may not do this. Operator actions need an Operator or Admin key." });
    }
}
