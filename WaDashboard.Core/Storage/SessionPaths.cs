using System.Diagnostics.CodeAnalysis;

namespace WaDashboard.Core.Storage;

/// <summary>
/// The one place where a name becomes a path under the sessions root. A name from a request or from a folder
/// listing is accepted only as a single plain path segment, and every resulting path is checked to stay inside
/// the root, so nothing can address a file outside it.
/// </summary>
public static class SessionPaths
{
    public const int MaxNameLength = 255;

    /// <summary>
    /// True when <paramref name="name"/> is one plain file or folder name: not empty, not "." or "..", no path
    /// separator (either kind), no NUL or other control character, no drive colon, at most 255 characters.
    /// </summary>
    public static bool IsSafeName([NotNullWhen(true)] string? name, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            error = "A name is required.";
            return false;
        }

        if (name.Length > MaxNameLength)
        {
            error = $"The name is {name.Length} characters long; at most {MaxNameLength} are allowed.";
            return false;
        }

        if (name is "." or "..")
        {
            error = $"'{name}' refers to a folder itself or its parent, not to an entry in it.";
            return false;
        }

        if (name != name.Trim())
        {
            error = "The name starts or ends with white space.";
            return false;
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\' or ':' || char.IsControl(c))
            {
                error = c == '\0' ? "The name contains a NUL character." : $"The name contains '{Printable(c)}', which is not allowed in a folder name here.";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>
    /// True when <paramref name="pattern"/> is a relative path of safe names separated by '/', with '*' allowed only in
    /// the last part (used for the configured required files and cache folders).
    /// </summary>
    public static bool IsSafeRelativePattern(string? pattern, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "an empty path";
            return false;
        }

        if (pattern.StartsWith('/') || pattern.StartsWith('\\') || Path.IsPathRooted(pattern))
        {
            error = "the path must be relative to the session folder";
            return false;
        }

        var parts = pattern.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (!IsSafeName(parts[i], out var partError))
            {
                error = $"part {i + 1} is not allowed ({partError})";
                return false;
            }

            if (parts[i].Contains('*', StringComparison.Ordinal) && i != parts.Length - 1)
            {
                error = "'*' is allowed only in the last part";
                return false;
            }
        }

        error = null;
        return true;
    }

    /// <summary>The full path of the entry <paramref name="name"/> directly inside <paramref name="folder"/>, or false with the reason.</summary>
    public static bool TryChild(string folder, string? name, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (!IsSafeName(name, out error))
        {
            return false;
        }

        var parent = Path.GetFullPath(folder);
        var candidate = Path.GetFullPath(Path.Combine(parent, name));
        if (!string.Equals(Path.GetDirectoryName(candidate), Path.TrimEndingDirectorySeparator(parent), StringComparison.Ordinal))
        {
            error = "The name does not stay inside its folder.";
            return false;
        }

        path = candidate;
        return true;
    }

    /// <summary>
    /// The entry named exactly <paramref name="name"/> that exists directly inside <paramref name="folder"/>. The folder is
    /// listed and the name compared with what is really there, so a name can never reach anything else, whatever it
    /// contains; used for names that come from a listing or a request (e.g. an orphan folder to quarantine).
    /// </summary>
    public static bool TryExistingChild(string folder, string? name, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.Length > MaxNameLength
            || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var entry = FolderWalker.List(folder).FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));
        if (entry is null)
        {
            return false;
        }

        var parent = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var candidate = Path.Combine(parent, entry.Name);
        if (!IsInside(parent, candidate) || !string.Equals(Path.GetDirectoryName(candidate), parent, StringComparison.Ordinal))
        {
            return false;
        }

        path = candidate;
        return true;
    }

    /// <summary>Like <see cref="TryExistingChild"/>, one '/'-separated part at a time.</summary>
    public static bool TryExistingPath(string folder, string relative, [NotNullWhen(true)] out string? path)
    {
        path = folder;
        foreach (var part in relative.Split('/'))
        {
            if (!TryExistingChild(path, part, out var next))
            {
                path = null;
                return false;
            }

            path = next;
        }

        return IsInside(folder, path);
    }

    /// <summary>The full path of a relative pattern-free path (parts separated by '/') under <paramref name="folder"/>, checked to stay inside.</summary>
    public static bool TryRelative(string folder, string relative, [NotNullWhen(true)] out string? path)
    {
        path = null;
        if (!IsSafeRelativePattern(relative, out _) || relative.Contains('*', StringComparison.Ordinal))
        {
            return false;
        }

        var candidate = Path.GetFullPath(Path.Combine([folder, .. relative.Split('/')]));
        if (!IsInside(folder, candidate))
        {
            return false;
        }

        path = candidate;
        return true;
    }

    /// <summary>True when <paramref name="path"/> is strictly inside <paramref name="root"/> (the root itself is not inside).</summary>
    public static bool IsInside(string root, string path)
    {
        if (path.Contains('\0', StringComparison.Ordinal) || root.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(path);
        return full.Length > fullRoot.Length && full.StartsWith(fullRoot, StringComparison.Ordinal);
    }

    /// <summary>A path relative to <paramref name="root"/> with '/' separators, for reports and records.</summary>
    public static string Relative(string root, string path) =>
        Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
