using Microsoft.AspNetCore.Mvc;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

public sealed record RoleChange(string? Role);

public sealed record PasswordChange(string? Current, string? New);

/// <summary>Changes to users that end their existing sessions (see <see cref="UserAccess"/>).</summary>
public static class UsersEndpoints
{
    public static IEndpointRouteBuilder MapUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users");
        users.MapPost("/{email}/sign-out-everywhere", async (string email, HttpContext context, UserAccess access) =>
            Answer(await access.SignOutEverywhereAsync(context.User, email, context.RequestAborted)));
        users.MapPut("/{email}/role", async (string email, [FromBody] RoleChange change, HttpContext context, UserAccess access) =>
            Answer(await access.ChangeRoleAsync(context.User, email, change.Role ?? "", context.RequestAborted)));
        users.MapPost("/{email}/disable", async (string email, HttpContext context, UserAccess access) =>
            Answer(await access.SetDisabledAsync(context.User, email, disabled: true, context.RequestAborted)));
        users.MapPost("/{email}/enable", async (string email, HttpContext context, UserAccess access) =>
            Answer(await access.SetDisabledAsync(context.User, email, disabled: false, context.RequestAborted)));
        app.MapPost("/api/me/password", async ([FromBody] PasswordChange change, HttpContext context, UserAccess access) =>
            Answer(await access.ChangeOwnPasswordAsync(context.User, change.Current ?? "", change.New ?? "", context.RequestAborted)));
        return app;
    }

    private static IResult Answer(UserAccess.Outcome outcome) => outcome.Done
        ? Results.Ok(new { message = outcome.Message })
        : Results.Problem(statusCode: outcome.Status, title: "Not done", detail: outcome.Message);
}
