using System.Diagnostics;

namespace WaDashboard.Core.Storage;

/// <summary>
/// Chromium user-data folders as whatsapp-web.js LocalAuth keeps them (session-{clientId}/ with Default/ inside). The
/// login lives in the web.whatsapp.com IndexedDB and Local Storage; the Singleton* entries are the browser's
/// single-instance lock, left behind when the browser crashed. Caches are found by <see cref="SessionInspector"/>.
/// </summary>
internal sealed class ChromiumProfileInspector : IFormatInspector
{
    public static readonly string[] LockNames = ["SingletonLock", "SingletonSocket", "SingletonCookie"];

    public SessionFormat Format => SessionFormat.ChromiumProfile;

    public bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel) =>
        topLevel.Any(e => e.Name is "Local State" || (e.Name == "Default" && e is DirectoryInfo) || LockNames.Contains(e.Name));

    public void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required)
    {
        builder.LoginPresent = required.Count > 0 && required.All(r => r.Present);

        var locks = builder.TopLevel.Where(e => LockNames.Contains(e.Name)).ToList();
        if (locks.Count == 0)
        {
            return;
        }

        var holder = locks.FirstOrDefault(l => l.Name == "SingletonLock")?.LinkTarget;
        var holderDead = IsDeadLocalProcess(holder);
        if (builder.Context.InUse && !holderDead)
        {
            return; // The engine's browser holds the profile: the lock is expected.
        }

        builder.StaleLocks.AddRange(locks.Select(l => l.Name));
        var why = holderDead
            ? $"the process it names ({holder}) is not running"
            : "no engine is using this session now";
        builder.Add(FindingKind.StaleLock,
            $"{string.Join(", ", locks.Select(l => l.LinkTarget is { } target ? $"{l.Name} → {target}" : l.Name))}; stale because {why}.");
    }

    /// <summary>SingletonLock points at "{hostname}-{pid}": on this host, a pid that does not run means a dead browser.</summary>
    private static bool IsDeadLocalProcess(string? holder)
    {
        if (holder is null)
        {
            return false;
        }

        var dash = holder.LastIndexOf('-');
        if (dash <= 0 || !int.TryParse(holder[(dash + 1)..], out var pid) || pid <= 0)
        {
            return false;
        }

        if (!string.Equals(holder[..dash], Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
