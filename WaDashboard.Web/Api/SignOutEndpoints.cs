using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>Sign-out (a form post with an antiforgery token; sign-in and setup are pages). It ends every session of the user.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, SignInManager<DashboardUser> signIn, UserManager<DashboardUser> users, OperatorActions actions, HttpContext context) =>
        {
            await actions.RecordAsync(context.User, "user.signout", null, context.RequestAborted);
            // A new security stamp makes every cookie issued so far worthless (a copy saved before sign-out included),
            // within Security:SessionRevalidation; the user's other browsers are signed out too.
            if (await users.GetUserAsync(context.User) is { } user)
            {
                await users.UpdateSecurityStampAsync(user);
            }

            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });
        return app;
    }
}
