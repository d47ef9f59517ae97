using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.StorageJobs;

/// <summary>
/// The periodic storage chores (default every 6 h): delete quarantine entries whose retention is over, and take a
/// snapshot of every session folder (size, files, key files per type) so that growth can be measured.
/// </summary>
public sealed class SessionStorageMaintenance(
    Fleet fleet,
    SessionFolders folders,
    SessionInspector inspector,
    SessionQuarantine quarantine,
    SessionSnapshotStore snapshots,
    FleetEvents events,
    TimeProvider time,
    IOptions<SessionStorageOptions> options,
    ILogger<SessionStorageMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Session storage maintenance failed; trying again next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns the quarantine entries deleted and the snapshots taken.</summary>
    public async Task<(int Purged, long PurgedBytes, int Snapshots)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var (purged, bytes) = quarantine.PurgeExpired();
        var now = time.GetUtcNow();
        var taken = new List<SessionSnapshot>();
        foreach (var account in fleet.Accounts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (account.Generation < 1)
            {
                continue;
            }

            var inspection = inspector.Inspect(folders.GenerationFolder(account.Id, account.Generation),
                new InspectionContext(SessionTransitions.IsActive(account.Status), now, Deep: false));
            if (inspection.Exists)
            {
                taken.Add(new SessionSnapshot(account.Id, account.Generation, now, inspection.SizeBytes, inspection.FileCount, inspection.KeyFileCounts));
            }
        }

        await snapshots.RecordAsync(taken, cancellationToken);
        await snapshots.PruneAsync(now - options.Value.SnapshotRetention, cancellationToken);
        if (purged > 0)
        {
            logger.LogInformation("Deleted {Count} expired quarantine entries ({Bytes} bytes)", purged, bytes);
            events.Publish(new SessionStorageChanged(null));
        }

        return (purged, bytes, taken.Count);
    }
}
