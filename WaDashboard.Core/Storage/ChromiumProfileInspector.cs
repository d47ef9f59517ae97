namespace WaDashboard.Core.Storage;

/// <summary>
/// Chromium user-data folders as whatsapp-web.js keeps them. LocalAuth puts the profile at
/// <c>path.join(dataPath, 'session-' + clientId)</c> (or <c>session</c> without a client id) and refuses any other
/// userDataDir (src/authStrategies/LocalAuth.js), so a generation folder used as its dataPath holds
/// <c>session-&lt;id&gt;/Default/…</c> one level down; a folder used as the userDataDir itself holds <c>Default/</c>.
/// Both are recognised. The login lives in the web.whatsapp.com IndexedDB: a profile without it never reached WhatsApp
/// Web (or was logged out there) and holds no login — that is not damage. The keys inside IndexedDB are WhatsApp Web's
/// own and cannot be verified from outside, so a present login is "unknown", never "proven". Locks are judged by
/// <see cref="ChromiumLocks"/>; caches are found by <see cref="SessionInspector"/>.
/// </summary>
internal sealed class ChromiumProfileInspector : IFormatInspector
{
    public static readonly string[] LockNames = ChromiumLocks.Names;

    public SessionFormat Format => SessionFormat.ChromiumProfile;

    public bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel) =>
        LooksLikeProfile(topLevel) || topLevel.Any(e => IsSessionFolder(e) && LooksLikeProfile(FolderWalker.List(e.FullName)));

    public void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required)
    {
        var store = string.Join(", ", required.Select(r => r.Pattern));
        if (required.Count > 0 && required.All(r => r.Present))
        {
            builder.LoginPresent = true;
            builder.Login = LoginCheck.Unknown(
                $"WhatsApp Web's login store is present ({store}). Its keys are kept by WhatsApp Web inside the browser's database and cannot be verified from outside; only the engine can tell whether they work.");
        }
        else
        {
            // Not a finding of its own: "no login" is the verdict, and the account's state says whether that matters.
            builder.Login = LoginCheck.Broken(
                $"No login: {string.Join(", ", required.Where(r => !r.Present).Select(r => r.Pattern))} is not there, so this profile never reached WhatsApp Web, or WhatsApp Web logged out and cleared it.");
        }

        foreach (var root in ProfileRoots(builder.Folder))
        {
            ChromiumLocks.Judge(builder, root);
        }
    }

    /// <summary>
    /// The profiles in a session folder, as relative prefixes: "" for the folder itself when it is a profile (or holds
    /// nothing else), then "session/" and "session-{clientId}/" sub-folders that are profiles (LocalAuth's layout).
    /// </summary>
    public static IReadOnlyList<string> ProfileRoots(string folder)
    {
        var roots = new List<string> { "" };
        foreach (var entry in FolderWalker.List(folder).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (IsSessionFolder(entry) && LooksLikeProfile(FolderWalker.List(entry.FullName)))
            {
                roots.Add(entry.Name + "/");
            }
        }

        return roots;
    }

    /// <summary>The profile whose login the required files are checked in: the folder itself, or its LocalAuth session folder.</summary>
    public static string LoginRoot(string folder, SessionStorageOptions options)
    {
        var roots = ProfileRoots(folder);
        if (roots.Count == 1 || LooksLikeProfile(FolderWalker.List(folder)))
        {
            return "";
        }

        // Several LocalAuth profiles (several client ids in one dataPath): the one that holds a login, else the first.
        var patterns = options.RequiredFiles.For(SessionFormat.ChromiumProfile);
        return roots.Skip(1).FirstOrDefault(root => patterns.All(p => SessionInspector.Matches(folder, root + p))) ?? roots[1];
    }

    private static bool LooksLikeProfile(IReadOnlyList<FileSystemInfo> entries) =>
        entries.Any(e => e.Name is "Local State" || (e.Name == "Default" && e is DirectoryInfo && !FolderWalker.IsLink(e)) || LockNames.Contains(e.Name));

    private static bool IsSessionFolder(FileSystemInfo entry) =>
        entry is DirectoryInfo && !FolderWalker.IsLink(entry)
        && (entry.Name == "session" || (entry.Name.StartsWith("session-", StringComparison.Ordinal) && entry.Name.Length > "session-".Length));
}
