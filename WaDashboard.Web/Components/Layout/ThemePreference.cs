using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.JSInterop;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Components.Layout;

/// <summary>
/// Light or dark, remembered per person. A signed-in user's choice is a claim on their Identity user: the user-claims
/// table is part of the Identity schema on every database provider, so no migration is needed, and the choice follows
/// the person to any browser. A caller without a user row (an API key) keeps the choice in the browser's local storage.
/// </summary>
public sealed class ThemePreference(IServiceScopeFactory scopes, IJSRuntime js, ILogger<ThemePreference> logger)
{
    public const string ClaimType = "wadashboard:theme";
    public const string StorageKey = "wadashboard.theme";
    private const string DarkValue = "dark";
    private const string LightValue = "light";

    /// <summary>True when the person has a user row to keep the choice on (signed in with a password, not an API key).</summary>
    public static bool IsStoredPerUser(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirst(ClaimTypes.NameIdentifier) is not null;

    /// <summary>The user's stored choice; null when none was made or the caller has no user row.</summary>
    public async Task<bool?> ReadAsync(ClaimsPrincipal user)
    {
        if (!IsStoredPerUser(user))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        return await users.GetUserAsync(user) is { } row ? Parse((await users.GetClaimsAsync(row)).FirstOrDefault(c => c.Type == ClaimType)?.Value) : null;
    }

    /// <summary>The browser's stored choice (callers without a user row). Needs an interactive circuit.</summary>
    public async Task<bool?> ReadFromBrowserAsync() => Parse(await js.InvokeAsync<string?>("localStorage.getItem", StorageKey));

    /// <summary>Keeps the choice on the user row when there is one, in the browser otherwise.</summary>
    public async Task SaveAsync(ClaimsPrincipal user, bool dark)
    {
        var value = dark ? DarkValue : LightValue;
        if (IsStoredPerUser(user))
        {
            await using var scope = scopes.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
            if (await users.GetUserAsync(user) is { } row)
            {
                var existing = (await users.GetClaimsAsync(row)).FirstOrDefault(c => c.Type == ClaimType);
                var claim = new Claim(ClaimType, value);
                var result = existing is null ? await users.AddClaimAsync(row, claim) : await users.ReplaceClaimAsync(row, existing, claim);
                if (!result.Succeeded)
                {
                    logger.LogWarning("The theme choice of {User} was not saved: {Reason}", row.UserName,
                        string.Join("; ", result.Errors.Select(e => e.Description)));
                }

                return;
            }
        }

        await js.InvokeVoidAsync("localStorage.setItem", StorageKey, value);
    }

    private static bool? Parse(string? value) => value switch
    {
        DarkValue => true,
        LightValue => false,
        _ => null,
    };
}

public static class ThemePreferenceRegistration
{
    /// <summary>The light/dark choice of the layout, remembered per person.</summary>
    public static IServiceCollection AddThemePreference(this IServiceCollection services) => services.AddScoped<ThemePreference>();
}
