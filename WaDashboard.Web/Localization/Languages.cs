using System.Globalization;

namespace WaDashboard.Web.Localization;

/// <summary>The languages of the console. The first is the default; the REST API answers in English whatever is chosen.</summary>
public static class Languages
{
    public static readonly IReadOnlyList<Language> All =
    [
        new("en", "English"),
        new("he", "עברית"),
        new("ar", "العربية"),
        new("id", "Bahasa Indonesia"),
    ];

    public static string Default => All[0].Code;

    public static IEnumerable<string> Codes => All.Select(l => l.Code);

    /// <summary>The supported language a culture name belongs to ("he-IL" is Hebrew), or null.</summary>
    public static Language? Find(string? culture)
    {
        if (string.IsNullOrWhiteSpace(culture))
        {
            return null;
        }

        var code = culture.Split('-', 2)[0];
        return All.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The language the current request or circuit speaks.</summary>
    public static Language Current => Find(CultureInfo.CurrentUICulture.Name) ?? All[0];
}

/// <summary>A console language: its culture code and its name in itself.</summary>
public sealed record Language(string Code, string NativeName)
{
    public CultureInfo Culture => CultureInfo.GetCultureInfo(Code);

    /// <summary>Hebrew and Arabic are written right to left.</summary>
    public bool IsRightToLeft => Culture.TextInfo.IsRightToLeft;

    public string Direction => IsRightToLeft ? "rtl" : "ltr";
}
