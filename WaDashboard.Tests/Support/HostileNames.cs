using System.Text;

namespace WaDashboard.Tests.Support;

/// <summary>
/// Names an attacker (or a broken script) might send where an id or a folder name is expected: traversal, absolute
/// paths, encoded separators, NUL and other control characters, look-alike slashes, reserved names, very long names.
/// </summary>
public static class HostileNames
{
    public static readonly string[] Parts =
    [
        "..", ".", "...", "/", "\\", "%2e%2e", "%2E%2E", "%2f", "%2F", "%5c", "%5C", "%00", "\0", "..%2f", "..%5c", "%252e%252e%252f", "..\\..",
        "/etc/passwd", "etc", "passwd", "C:", "C:\\Windows", "\\\\server\\share", "~", "~root", "$HOME", "*", "?", "\u2215", "\u2044", "\uFF0F", "\uFF3C",
        "\u202E", "\u0085", " ", "\t", "\n", "\r", ".quarantine", ".backups", ".wadashboard.lock", "sessions-evil", "outside", "secret.txt", "sessions",
        "0123456789abcdef", "orphan-1", "escape-link", "1", "-1", "0", "2147483648", "con", "nul", "😀", "a", "%", "%%", "..;", ";", "|", ">", "\"",
    ];

    /// <summary>The given extras first, then random compositions of <see cref="Parts"/>, some percent-encoded once or twice, some rooted.</summary>
    public static IEnumerable<string> Generate(Random random, IEnumerable<string> extras, string root)
    {
        foreach (var extra in extras)
        {
            yield return extra;
        }

        string[] separators = ["", "/", "\\", "%2f", "%5c", "\0"];
        while (true)
        {
            var builder = new StringBuilder();
            var count = random.Next(1, 7);
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    builder.Append(separators[random.Next(separators.Length)]);
                }

                builder.Append(Parts[random.Next(Parts.Length)]);
            }

            var value = builder.ToString();
            yield return random.Next(6) switch
            {
                0 => Uri.EscapeDataString(value),
                1 => Uri.EscapeDataString(Uri.EscapeDataString(value)),
                2 => "/" + value,
                3 => root + "/" + value,
                4 => value.Length > 0 ? new string(value[0], random.Next(1, 300)) : value,
                _ => value,
            };
        }
    }
}
