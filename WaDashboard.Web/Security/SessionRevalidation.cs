using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>
/// An open dashboard tab (a Blazor circuit) keeps the user it was opened with; every
/// <see cref="SecurityOptions.SessionRevalidation"/> this checks that user's security stamp, so a tab whose session
/// was ended (sign-out, password or role change, disabled, "sign out everywhere") falls back to the sign-in page.
/// </summary>
public sealed class SessionRevalidation(
    ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, IOptions<SecurityOptions> security)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => security.Value.SessionRevalidation;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        if (principal.Identity?.AuthenticationType != IdentityConstants.ApplicationScheme)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await IsCurrentAsync(scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>(), principal, identity.Value);
    }

    public static async Task<bool> IsCurrentAsync(UserManager<DashboardUser> users, ClaimsPrincipal principal, IdentityOptions identity)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return false;
        }

        var stamp = principal.FindFirstValue(identity.ClaimsIdentity.SecurityStampClaimType);
        return stamp is not null && stamp == await users.GetSecurityStampAsync(user) && !await users.IsLockedOutAsync(user);
    }
}
