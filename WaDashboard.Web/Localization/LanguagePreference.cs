using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;

namespace WaDashboard.Web.Localization;

/// <summary>
/// The language a person chose, remembered twice: as a claim on their Identity user (like the theme, claim
/// "wadashboard:theme": the user-claims table exists on every database provider, the sign-in cookie carries
/// the claim, and it follows the person to any browser), and in the standard RequestLocalization cookie, so that the
/// sign-in page after a sign-out speaks it too.
/// </summary>
public sealed class LanguagePreference(UserManager<DashboardUser> users, SignInManager<DashboardUser> signIn, ILogger<LanguagePreference> logger)
{
    public const string ClaimType = "wadashboard:language";

    /// <summary>Keeps the choice on the user row when the caller has one, then in the culture cookie.</summary>
    public async Task SaveAsync(HttpContext context, Language language)
    {
        WriteCookie(context, language);
        // A caller with a user row (signed in with a password, not an API key) keeps the choice on it.
        if (context.User.FindFirst(ClaimTypes.NameIdentifier) is null || await users.GetUserAsync(context.User) is not { } row)
        {
            return;
        }

        var existing = (await users.GetClaimsAsync(row)).FirstOrDefault(c => c.Type == ClaimType);
        var claim = new Claim(ClaimType, language.Code);
        var result = existing is null ? await users.AddClaimAsync(row, claim) : await users.ReplaceClaimAsync(row, existing, claim);
        if (!result.Succeeded)
        {
            logger.LogWarning("The language choice of {User} was not saved: {Reason}", row.UserName,
                string.Join("; ", result.Errors.Select(e => e.Description)));
            return;
        }

        // A fresh sign-in cookie carries the new claim (the old one carries the previous choice).
        await signIn.RefreshSignInAsync(row);
    }

    /// <summary>After a sign-in: the person's stored language becomes this browser's too.</summary>
    public static void AdoptStoredChoice(HttpContext context, IEnumerable<Claim> claims)
    {
        if (Languages.Find(claims.FirstOrDefault(c => c.Type == ClaimType)?.Value) is { } language)
        {
            WriteCookie(context, language);
        }
    }

    public static void WriteCookie(HttpContext context, Language language) =>
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language.Code)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                IsEssential = true,
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
            });
}

/// <summary>The signed-in person's stored language, read from the claim their sign-in cookie carries.</summary>
public sealed class UserLanguageCultureProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext) =>
        Task.FromResult(Languages.Find(httpContext.User.FindFirst(LanguagePreference.ClaimType)?.Value) is { } language
            ? new ProviderCultureResult(language.Code)
            : null);
}
