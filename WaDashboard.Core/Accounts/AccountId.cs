using System.Security.Cryptography;

namespace WaDashboard.Core.Accounts;

/// <summary>
/// Account ids are generated, 16 lowercase hex characters. Session folder paths are built only from them,
/// so a valid id can never address anything outside the sessions root.
/// </summary>
public static class AccountId
{
    public const int Length = 16;

    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(Length / 2)).ToLowerInvariant();

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != Length)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
