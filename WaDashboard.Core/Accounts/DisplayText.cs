using System.Text;

namespace WaDashboard.Core.Accounts;

/// <summary>
/// Names and labels people read. Characters that reorder text (bidi overrides and isolates), hide in it (zero-width,
/// soft hyphen, word joiner) or steer a terminal (NUL, ESC and every other control character) make "Clinic
/// \u202Eexe.gnp\u202C" read as "Clinic png.exe" and "adm\u200Bin" as "admin": names typed by a person are refused
/// when they hold one, names that come from elsewhere (a phone's push name) are shown with them removed.
/// </summary>
public static class DisplayText
{
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is '\u00AD' or '\u061C' or '\u180E' or '\u2028' or '\u2029' or '\u2060' or '\uFEFF'
        || c is >= '\u200B' and <= '\u200F'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2061' and <= '\u2069';

    /// <summary>Why <paramref name="name"/> cannot be a name, or null when it can.</summary>
    public static string? Problem(string name)
    {
        foreach (var c in name)
        {
            if (IsUnsafe(c))
            {
                return $"The name contains an invisible or control character (U+{(int)c:X4}); type it again without it.";
            }
        }

        return null;
    }

    /// <summary>The text without unsafe characters.</summary>
    public static string Neutralise(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsUnsafe(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
