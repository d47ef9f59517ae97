using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Storage;

public sealed class SessionRootLockedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Holds an exclusive lock on {sessions root}/.wadashboard.lock for as long as the process runs, taken before anything
/// else starts. Two processes therefore never own the same session folders at once: a second dashboard on the same
/// data refuses to start, and the offline cleanup (<c>--cleanup-sessions</c>) refuses to run while the dashboard does.
/// The operating system drops the lock when the process ends, however it ends.
/// </summary>
public sealed class SessionRootLock(SessionFolders folders, ILogger<SessionRootLock> logger) : IHostedService, IDisposable
{
    private FileStream? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folders.Root);
        try
        {
            _lock = new FileStream(folders.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new SessionRootLockedException(
                $"Another WaDashboard process is using the session folders at {folders.Root} (the lock {folders.LockFile} is held). " +
                "Stop it first, or give this one its own Storage:DataDirectory. To clean up while the dashboard runs, use its Diagnostics page.", ex);
        }

        _lock.SetLength(0);
        var owner = System.Text.Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        _lock.Write(owner);
        _lock.Flush();
        logger.LogDebug("Holding the session root lock {LockFile}", folders.LockFile);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
