using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>
/// The one-time link that creates the first admin. There is no default password: when the app starts with no
/// users it issues a random token (printed on the console), valid for a limited time and for one use.
/// </summary>
public sealed class FirstRunSetup(TimeProvider time, IOptions<SecurityOptions> options)
{
    private readonly object _lock = new();
    private byte[]? _tokenHash;
    private DateTimeOffset _expiresAt;

    /// <summary>Issues a new token, replacing any earlier one.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue()
    {
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        lock (_lock)
        {
            _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            _expiresAt = time.GetUtcNow() + options.Value.SetupLinkLifetime;
            return (token, _expiresAt);
        }
    }

    public bool IsValid(string? token)
    {
        lock (_lock)
        {
            return Matches(token);
        }
    }

    /// <summary>Uses the token up; true only for the first use of a valid, unexpired token.</summary>
    public bool TryConsume(string? token)
    {
        lock (_lock)
        {
            if (!Matches(token))
            {
                return false;
            }

            _tokenHash = null;
            return true;
        }
    }

    private bool Matches(string? token) =>
        token is { Length: > 0 and < 200 } && _tokenHash is not null && time.GetUtcNow() < _expiresAt
        && CryptographicOperations.FixedTimeEquals(_tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
