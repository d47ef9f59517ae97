using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace WaDashboard.Core.Storage;

/// <summary>Who holds a Chromium profile's lock, as far as this host can tell.</summary>
public enum LockHolder
{
    /// <summary>No SingletonLock: the profile is not locked (Socket/Cookie links left without it are leftovers).</summary>
    None,
    /// <summary>The lock names a process on this host that does not run: stale, safe to remove.</summary>
    DeadHere,
    /// <summary>The lock names a process on this host that runs: the profile is in use.</summary>
    AliveHere,
    /// <summary>The lock names another host: not ours to judge.</summary>
    OtherHost,
    /// <summary>The lock does not name its holder in the form Chromium writes: left alone.</summary>
    Unreadable,
}

/// <summary>The judgement of one profile's lock, with the words that explain it.</summary>
public sealed record LockJudgement(LockHolder Holder, string? Target, string Detail)
{
    public bool Stale => Holder is LockHolder.DeadHere or LockHolder.None;
}

/// <summary>
/// Chromium's single-instance lock: <c>SingletonLock</c> is a symbolic link whose target is "{hostname}-{pid}" of the
/// browser holding the profile, beside <c>SingletonSocket</c> and <c>SingletonCookie</c>
/// (chrome/browser/process_singleton_posix.cc). Chromium itself treats the lock as stale only when the host is its own
/// and the process is gone; so does this: a process that runs on this host holds the profile, a lock of another host is
/// not ours to judge, and the judgement is made again at the moment of removal.
/// </summary>
public static class ChromiumLocks
{
    public const string LockName = "SingletonLock";
    public static readonly string[] Names = [LockName, "SingletonSocket", "SingletonCookie"];

    /// <summary>Judges the lock of the profile at <paramref name="profile"/> (a folder) now.</summary>
    public static LockJudgement JudgeProfile(string profile)
    {
        var lockInfo = new FileInfo(Path.Combine(profile, LockName));
        if (!FolderWalker.EntryExists(lockInfo.FullName))
        {
            return new LockJudgement(LockHolder.None, null, FindingEvidence.Say("Lock.None"));
        }

        return JudgeTarget(lockInfo.LinkTarget);
    }

    /// <summary>Judges a SingletonLock target, "{hostname}-{pid}".</summary>
    public static LockJudgement JudgeTarget(string? target)
    {
        if (target is null)
        {
            return new LockJudgement(LockHolder.Unreadable, null, FindingEvidence.Say("Lock.NotLink"));
        }

        var dash = target.LastIndexOf('-');
        if (dash <= 0 || !int.TryParse(target[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return new LockJudgement(LockHolder.Unreadable, target, FindingEvidence.Say("Lock.Unreadable", target));
        }

        var host = target[..dash];
        if (!IsThisHost(host))
        {
            return new LockJudgement(LockHolder.OtherHost, target, FindingEvidence.Say("Lock.OtherHost", host, pid, Dns.GetHostName()));
        }

        return Running(pid) is { } name
            ? new LockJudgement(LockHolder.AliveHere, target, FindingEvidence.Say("Lock.Alive", pid, name))
            : new LockJudgement(LockHolder.DeadHere, target, FindingEvidence.Say("Lock.Dead", pid));
    }

    internal static void Judge(InspectionBuilder builder, string root)
    {
        var profile = root.Length == 0 ? builder.Folder : Path.Combine(builder.Folder, root.TrimEnd('/'));
        var present = FolderWalker.List(profile).Where(e => Names.Contains(e.Name)).OrderBy(e => Array.IndexOf(Names, e.Name)).ToList();
        if (present.Count == 0)
        {
            return;
        }

        var judgement = JudgeProfile(profile);
        var entries = string.Join(", ", present.Select(l => l.LinkTarget is { } target ? $"{root}{l.Name} → {target}" : root + l.Name));
        switch (judgement.Holder)
        {
            case LockHolder.DeadHere or LockHolder.None:
                builder.StaleLocks.AddRange(present.Select(l => root + l.Name));
                builder.Add(FindingKind.StaleLock, FindingEvidence.Say("Lock.Stale", entries, judgement.Detail));
                break;
            case LockHolder.AliveHere when builder.Context.InUse:
                break; // The engine's browser holds the profile: the lock is expected.
            default:
                builder.Add(FindingKind.ProfileLocked, FindingEvidence.Say("Lock.Held", entries, judgement.Detail));
                break;
        }
    }

    /// <summary>This host's names: the kernel's host name (what Chromium writes), with and without its domain.</summary>
    public static bool IsThisHost(string host)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Environment.MachineName };
        try
        {
            names.Add(Dns.GetHostName());
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Environment.MachineName is enough then.
        }

        foreach (var name in names.ToList())
        {
            names.Add(name.Split('.')[0]);
        }

        return names.Contains(host) || names.Contains(host.Split('.')[0]);
    }

    /// <summary>The name of the process with this id when it runs (a zombie does not), else null.</summary>
    private static string? Running(int pid)
    {
        try
        {
            var stat = $"/proc/{pid}/stat";
            if (File.Exists(stat))
            {
                // "pid (comm) state ...": a zombie (Z) or dead (X) process holds nothing.
                var text = File.ReadAllText(stat);
                var close = text.LastIndexOf(')');
                if (close > 0 && close + 2 < text.Length && text[close + 2] is 'Z' or 'X')
                {
                    return null;
                }
            }

            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.ProcessName;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return "a process that could not be read"; // it exists; that is enough to leave it alone
        }
    }
}
