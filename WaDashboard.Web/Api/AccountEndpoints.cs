using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>Sign-out (a form post with an antiforgery token; sign-in and setup are pages).</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async ([FromForm] string? returnUrl, SignInManager<DashboardUser> signIn, OperatorActions actions, HttpContext context) =>
        {
            await actions.RecordAsync(context.User, "user.signout", null, context.RequestAborted);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });
        return app;
    }
}
