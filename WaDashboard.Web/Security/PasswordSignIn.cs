using Microsoft.AspNetCore.Identity;
using WaDashboard.Core.Audit;

namespace WaDashboard.Web.Security;

public enum SignInOutcome
{
    SignedIn,
    Refused,
    Throttled,
}

/// <summary>
/// Sign-in with a password, the same for every caller whether or not the account exists: a password hash is checked
/// on every path (an unknown e-mail is checked against a throw-away hash), the answer text is the same, and failures
/// spend the client's budget in <see cref="AuthThrottle"/> instead of locking the account.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<DashboardUser> signIn,
    UserManager<DashboardUser> users,
    AuthThrottle throttle,
    AuditLog audit)
{
    private static readonly DashboardUser Nobody = new() { UserName = "nobody" };
    private static readonly Lazy<string> NobodysHash = new(() => new PasswordHasher<DashboardUser>().HashPassword(Nobody, Guid.NewGuid().ToString("N")));

    public async Task<(SignInOutcome Outcome, TimeSpan? RetryAfter)> SignInAsync(string client, string email, string password)
    {
        email = email.Trim();
        if (throttle.AccountBlocked(client, email) is { } wait)
        {
            await audit.RecordAsync(email, "user.signin.failed", null, $"throttled ({client})");
            return (SignInOutcome.Throttled, wait);
        }

        var user = await users.FindByNameAsync(email);
        var result = user is null ? SignInResult.Failed : await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            await audit.RecordAsync(email, "user.signin", null, null);
            // The person's stored language becomes this browser's, so the sign-in page speaks it after a sign-out too.
            Localization.LanguagePreference.AdoptStoredChoice(signIn.Context, await users.GetClaimsAsync(user!));
            return (SignInOutcome.SignedIn, null);
        }

        if (user is null || result.IsLockedOut || result.IsNotAllowed)
        {
            // The paths that check no password still take as long as one that does.
            users.PasswordHasher.VerifyHashedPassword(Nobody, NobodysHash.Value, password);
        }

        throttle.SignInFailed(client, email);
        await audit.RecordAsync(email, "user.signin.failed", null, result.IsLockedOut ? "disabled" : "wrong email or password");
        return (SignInOutcome.Refused, null);
    }
}
