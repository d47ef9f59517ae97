using Microsoft.Extensions.Localization;
using WaDashboard.Core.Accounts;
using WaDashboard.Web.Resources;

namespace WaDashboard.Web.Localization;

/// <summary>
/// Why a typed phone number is refused, in the person's language. <see cref="PhoneNumber.TryParse"/> answers in English
/// for the API; its sentences each name one rule, and the console says the same rule in its own words.
/// </summary>
public static class PhoneProblem
{
    private static readonly (string Marker, string Key)[] Rules =
    [
        ("is required", "Phone.Required"),
        ("which is not allowed", "Phone.BadCharacter"),
        ("too long", "Phone.TooLong"),
        ("does not start with '+'", "Phone.NoPlus"),
        ("digits; E.164", "Phone.DigitCount"),
        ("starting with 0", "Phone.CountryZero"),
    ];

    public static string Describe(IStringLocalizer<Ui> l, string input, string coreError)
    {
        var key = Rules.FirstOrDefault(r => coreError.Contains(r.Marker, StringComparison.Ordinal)).Key ?? "Phone.Invalid";
        var digits = input.Count(char.IsAsciiDigit);
        return l[key, Bidi.Isolate(input.Trim()), digits] + " " + l["Phone.Help"];
    }
}
