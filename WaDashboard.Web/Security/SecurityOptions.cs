using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Web.Security;

/// <summary>Bound from "Security". Validated at start: a configured secret that is empty or a placeholder stops the app.</summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    /// <summary>How long the one-time first-run setup link stays valid.</summary>
    public TimeSpan SetupLinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>
    /// Wrong passwords for one account from one client before that client may not try that account again for
    /// <see cref="LockoutDuration"/>. Other clients (the account's owner) can still sign in: a stranger cannot lock anyone out.
    /// </summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failed authentications (wrong API key, wrong password) one client may make in a burst; after that every request
    /// of that client carrying credentials is answered 429 with Retry-After, one more allowed every <see cref="AuthFailureRefill"/>.
    /// </summary>
    [Range(1, 10_000)]
    public int AuthFailureBurst { get; set; } = 10;

    public TimeSpan AuthFailureRefill { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a sign-in cookie (and an open dashboard tab) is checked against its user: a sign-out, a password or role
    /// change, a disabled user or "sign out everywhere" ends existing sessions within this time.
    /// </summary>
    public TimeSpan SessionRevalidation { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A signed-in session ends after this long without activity (sliding).</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A signed-in session ends this long after sign-in, active or not.</summary>
    public TimeSpan AbsoluteSessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Open dashboard tabs (Blazor circuits) one user may hold at once.</summary>
    [Range(1, 1000)]
    public int MaxCircuitsPerUser { get; set; } = 20;

    /// <summary>Largest request body accepted, in KB.</summary>
    [Range(1, 102_400)]
    public int MaxRequestBodyKb { get; set; } = 1024;

    /// <summary>API keys provisioned from configuration (e.g. environment variables Security__ApiKeys__ci__Key and __Role).</summary>
    public Dictionary<string, ConfiguredApiKey> ApiKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public WebhookOptions Webhooks { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, key) in ApiKeys)
        {
            if (SecretRules.Problem(key.Key) is { } problem)
            {
                yield return new ValidationResult($"Security:ApiKeys:{name}:Key {problem}");
            }

            if (!Roles.All.Contains(key.Role, StringComparer.Ordinal))
            {
                yield return new ValidationResult($"Security:ApiKeys:{name}:Role must be one of {string.Join(", ", Roles.All)} (was '{key.Role}').");
            }
        }

        if (Webhooks.Secret is { Length: > 0 } secret && SecretRules.Problem(secret) is { } webhookProblem)
        {
            yield return new ValidationResult($"Security:Webhooks:Secret {webhookProblem}");
        }

        if (!WebhookSignatureVerifier.Algorithms.ContainsKey(Webhooks.Algorithm))
        {
            yield return new ValidationResult($"Security:Webhooks:Algorithm must be one of {string.Join(", ", WebhookSignatureVerifier.Algorithms.Keys)}.");
        }

        if (InactivityTimeout <= TimeSpan.Zero || AbsoluteSessionLifetime < InactivityTimeout || SetupLinkLifetime <= TimeSpan.Zero || LockoutDuration <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Security: InactivityTimeout, SetupLinkLifetime and LockoutDuration must be positive, and AbsoluteSessionLifetime at least InactivityTimeout.");
        }
    }
}

public sealed class ConfiguredApiKey
{
    public string Key { get; set; } = "";
    public string Role { get; set; } = Roles.Viewer;
}

public sealed class WebhookOptions
{
    /// <summary>Shared HMAC secret for engine webhooks; empty disables the webhook receiver.</summary>
    public string Secret { get; set; } = "";

    /// <summary>sha512 (as WAHA signs) or sha256.</summary>
    public string Algorithm { get; set; } = "sha512";

    /// <summary>How far a webhook's timestamp may be from now.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>What makes a configured secret unacceptable.</summary>
public static class SecretRules
{
    public const int MinLength = 24;

    private static readonly string[] Placeholders =
        ["changeme", "change-me", "change_me", "secret", "password", "placeholder", "example", "your-", "your_", "xxxx", "todo", "default", "12345"];

    public static string? Problem(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return "is empty. Set a random value of at least 24 characters (e.g. `openssl rand -base64 32`), or remove the entry.";
        }

        var lower = secret.Trim().ToLowerInvariant();
        if (lower.StartsWith('<') || Placeholders.Any(lower.Contains))
        {
            return "looks like a placeholder. Replace it with a random value of at least 24 characters (e.g. `openssl rand -base64 32`).";
        }

        return secret.Length < MinLength ? $"is {secret.Length} characters long; use at least {MinLength} random characters." : null;
    }
}
