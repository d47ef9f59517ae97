using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Hosting;

/// <summary>
/// Session folders hold WhatsApp logins (creds.json), the database holds the fleet and its users, the logs hold
/// who did what: none of it is for other users of the machine. On Unix the process creates every file 0600 and every
/// folder 0700 (umask 077, set before anything is written), and at start this tightens what an earlier version left
/// readable: the data directory, the session root and everything under them.
/// </summary>
public sealed class PrivateFiles(IOptions<StorageOptions> storage, ILogger<PrivateFiles> logger) : BackgroundService
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersAndGroup = (UnixFileMode)0b000_111_111;

    /// <summary>New files 0600, new folders 0700, for the whole process.</summary>
    public static void Restrict()
    {
        if (!OperatingSystem.IsWindows())
        {
            _ = SetUmask(0b000_111_111);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var roots = new[] { storage.Value.ResolveDataDirectory(), storage.Value.ResolveSessionsRoot() }.Distinct(StringComparer.Ordinal);
        var tightened = 0;
        foreach (var root in roots.Where(Directory.Exists))
        {
            tightened += Tighten(new DirectoryInfo(root), stoppingToken);
        }

        if (tightened > 0)
        {
            logger.LogWarning("{Count} files and folders under the data directory were readable by other users; they are now private to this user", tightened);
        }
    }, stoppingToken);

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static int Tighten(DirectoryInfo root, CancellationToken cancellationToken)
    {
        var count = 0;
        var pending = new Stack<DirectoryInfo>([root]);
        while (pending.TryPop(out var folder) && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                count += Private(folder, FolderMode);
                foreach (var entry in folder.EnumerateFileSystemInfos())
                {
                    if (entry.LinkTarget is not null)
                    {
                        continue;
                    }

                    if (entry is DirectoryInfo child)
                    {
                        pending.Push(child);
                    }
                    else
                    {
                        count += Private(entry, entry.UnixFileMode & ~OthersAndGroup);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Vanished or not ours: left as it is.
            }
        }

        return count;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static int Private(FileSystemInfo entry, UnixFileMode mode)
    {
        if ((entry.UnixFileMode & OthersAndGroup) == 0)
        {
            return 0;
        }

        entry.UnixFileMode = mode;
        return 1;
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint SetUmask(uint mask);
}
