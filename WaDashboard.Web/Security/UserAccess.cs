using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace WaDashboard.Web.Security;

/// <summary>
/// Changes to a user that must end the sessions they already have: each one renews the user's security stamp, and
/// every sign-in cookie and open dashboard tab is checked against it every <see cref="SecurityOptions.SessionRevalidation"/>.
/// All audited; admins only, except that anyone may end their own sessions and change their own password.
/// </summary>
public sealed class UserAccess(UserManager<DashboardUser> users, OperatorActions actions)
{
    public sealed record Outcome(bool Done, int Status, string Message);

    /// <summary>Ends every session of <paramref name="email"/> (sign-out, "sign out everywhere").</summary>
    public async Task<Outcome> SignOutEverywhereAsync(ClaimsPrincipal caller, string email, CancellationToken cancellationToken)
    {
        if (!IsSelf(caller, email) && !await actions.CanAsync(caller, Policies.Administer))
        {
            return new(false, 403, "Only an admin can end another user's sessions.");
        }

        if (await users.FindByNameAsync(email) is not { } user)
        {
            return new(false, 404, $"No user {email}.");
        }

        await users.UpdateSecurityStampAsync(user);
        await actions.RecordAsync(caller, "user.signout.everywhere", user.Email, cancellationToken);
        return new(true, 200, $"Every session of {user.Email} ends within seconds.");
    }

    public async Task<Outcome> ChangeRoleAsync(ClaimsPrincipal caller, string email, string role, CancellationToken cancellationToken)
    {
        if (!await actions.CanAsync(caller, Policies.Administer))
        {
            return new(false, 403, "Only an admin can change roles.");
        }

        if (!Roles.All.Contains(role, StringComparer.Ordinal))
        {
            return new(false, 400, $"The role must be one of {string.Join(", ", Roles.All)}.");
        }

        if (IsSelf(caller, email))
        {
            return new(false, 409, "Admins cannot change their own role; ask another admin.");
        }

        if (await users.FindByNameAsync(email) is not { } user)
        {
            return new(false, 404, $"No user {email}.");
        }

        var current = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, current);
        await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user);
        await actions.RecordAsync(caller, "user.role", $"{user.Email}: {string.Join(", ", current)} → {role}", cancellationToken);
        return new(true, 200, $"{user.Email} is now {role}; their open sessions end within seconds.");
    }

    public async Task<Outcome> SetDisabledAsync(ClaimsPrincipal caller, string email, bool disabled, CancellationToken cancellationToken)
    {
        if (!await actions.CanAsync(caller, Policies.Administer))
        {
            return new(false, 403, "Only an admin can disable users.");
        }

        if (IsSelf(caller, email))
        {
            return new(false, 409, "Admins cannot disable themselves.");
        }

        if (await users.FindByNameAsync(email) is not { } user)
        {
            return new(false, 404, $"No user {email}.");
        }

        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, disabled ? DateTimeOffset.MaxValue : null);
        await users.UpdateSecurityStampAsync(user);
        await actions.RecordAsync(caller, disabled ? "user.disable" : "user.enable", user.Email, cancellationToken);
        return new(true, 200, disabled ? $"{user.Email} is disabled; their open sessions end within seconds." : $"{user.Email} can sign in again.");
    }

    /// <summary>Own password; Identity renews the stamp, so other sessions end (this one is signed in again by the caller).</summary>
    public async Task<Outcome> ChangeOwnPasswordAsync(ClaimsPrincipal caller, string current, string next, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(caller) is not { } user)
        {
            return new(false, 403, "Sign in with a password to change it (API keys have none).");
        }

        var changed = await users.ChangePasswordAsync(user, current, next);
        if (!changed.Succeeded)
        {
            return new(false, 400, string.Join(" ", changed.Errors.Select(e => e.Description)));
        }

        await actions.RecordAsync(caller, "user.password", user.Email, cancellationToken);
        return new(true, 200, "Password changed; every session of this user ends within seconds and must sign in again.");
    }

    private static bool IsSelf(ClaimsPrincipal caller, string email) =>
        string.Equals(caller.Identity?.Name, email.Trim(), StringComparison.OrdinalIgnoreCase);
}
