using System.Diagnostics;

namespace WaDashboard.Testing;

/// <summary>
/// The session folders under WaDashboard.Tests/Fixtures/RealFolders, made by the engines' own libraries with
/// tools/fixtures/make-all.sh: Baileys (useMultiFileAuthState), whatsapp-web.js LocalAuth driving Debian's Chromium, and
/// whatsmeow's schema. The tests and the bench's storage scenario work on copies; links (Chromium's Singleton* locks)
/// are copied as links.
/// </summary>
public static class RealFolders
{
    public const string BaileysLinked = "baileys-linked";
    public const string BaileysUnlinked = "baileys-unlinked";
    public const string BaileysGarbledPreKeySignature = "baileys-garbled-prekey-signature";
    public const string BaileysGarbledAccountSignature = "baileys-garbled-account-signature";
    public const string WhatsmeowLinked = "whatsmeow-linked";
    public const string WhatsmeowLinkedSqlite = "whatsmeow-linked-sqlite";
    public const string WhatsmeowLinkedSqlite3 = "whatsmeow-linked-sqlite3";
    public const string WhatsmeowUnlinked = "whatsmeow-unlinked";
    public const string WhatsmeowGarbledSignature = "whatsmeow-garbled-signature";
    public const string WhatsmeowHotJournal = "whatsmeow-hot-journal";
    public const string WwebjsReached = "wwebjs-reached";
    public const string WwebjsNeverReached = "wwebjs-never-reached";
    public const string WwebjsCrashed = "wwebjs-crashed";

    /// <summary>whatsapp-web.js LocalAuth's profile folder in the fixtures (clientId "acct").</summary>
    public const string LocalAuthProfile = "session-acct";

    public static readonly string[] All =
    [
        BaileysLinked, BaileysUnlinked, BaileysGarbledPreKeySignature, BaileysGarbledAccountSignature,
        WhatsmeowLinked, WhatsmeowLinkedSqlite, WhatsmeowLinkedSqlite3, WhatsmeowUnlinked, WhatsmeowGarbledSignature, WhatsmeowHotJournal,
        WwebjsReached, WwebjsNeverReached, WwebjsCrashed,
    ];

    /// <summary>Where the fixtures are in the source tree.</summary>
    public static string Root { get; } = Path.Combine(RepositoryLayout.Root(), "WaDashboard.Tests", "Fixtures", "RealFolders");

    /// <summary>
    /// Copies a fixture to <paramref name="target"/> (created), links as links and files with their modification times,
    /// and returns the target.
    /// </summary>
    public static string CopyTo(string name, string target)
    {
        var source = Path.Combine(Root, name);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"fixture {name} is missing under {Root}; make it with tools/fixtures/make-all.sh");
        }

        CopyTree(source, target);
        return target;
    }

    /// <summary>Points a profile's SingletonLock at a process of this host that does not run, as a browser that crashed here leaves it.</summary>
    public static void LockByDeadProcessHere(string profile)
    {
        var lockPath = Path.Combine(profile, "SingletonLock");
        File.Delete(lockPath);
        File.CreateSymbolicLink(lockPath, $"{System.Net.Dns.GetHostName()}-{DeadPid()}");
    }

    public static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(destination, link);
            }
            else if (entry is DirectoryInfo)
            {
                CopyTree(entry.FullName, destination);
            }
            else
            {
                File.Copy(entry.FullName, destination);
                File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(entry.FullName));
            }
        }
    }
}
