using System.Globalization;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// Scans the sessions root and lists what a cleanup can do: folders without an account, older generations, and — for
/// sessions not in use — caches, stale locks and temp files; plus quarantine entries whose retention is over.
/// Read-only: it never changes anything.
/// </summary>
public sealed class CleanupPlanner(SessionFolders folders, SessionInspector inspector, SessionQuarantine quarantine, TimeProvider time)
{
    public async Task<CleanupPlan> PlanAsync(ISessionOwners owners, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // The folders are listed before the accounts: an account is always stored before its first folder is made,
        // so every folder seen here belongs to an account in the list below, unless it has none.
        var entries = FolderWalker.List(folders.Root).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        var owned = (await owners.ListAsync(cancellationToken)).ToDictionary(o => o.AccountId, StringComparer.Ordinal);
        var items = new List<CleanupItem>();
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (SessionFolders.IsReservedName(entry.Name))
            {
                continue;
            }

            if (entry is DirectoryInfo && !FolderWalker.IsLink(entry) && owned.TryGetValue(entry.Name, out var owner))
            {
                PlanAccount(owner, entry.FullName, items, now);
                continue;
            }

            var stats = FolderWalker.Measure(entry.FullName);
            items.Add(new CleanupItem(CleanupKind.OrphanFolder, entry.Name,
                AccountId.IsValid(entry.Name)
                    ? CleanupText.Say("Cleanup.Orphan.Removed", SessionInspector.CountFiles(stats.Files))
                    : CleanupText.Say("Cleanup.Orphan", entry.Name, SessionInspector.CountFiles(stats.Files)),
                stats.Bytes, stats.Files));
        }

        foreach (var expired in quarantine.Expired())
        {
            items.Add(new CleanupItem(CleanupKind.ExpiredQuarantine, $"{SessionFolders.QuarantineFolderName}/{expired.Name}",
                expired.HasPayload
                    ? CleanupText.Say("Cleanup.Quarantined", expired.Record?.QuarantinedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), expired.Record?.Kind ?? "entry",
                        string.Join(", ", expired.Record?.OriginalPaths ?? []))
                    : CleanupText.Say("Cleanup.InterruptedMove"),
                expired.Bytes, expired.Record?.Files ?? 0));
        }

        return new CleanupPlan(now, items);
    }

    private void PlanAccount(SessionOwner owner, string accountFolder, List<CleanupItem> items, DateTimeOffset now)
    {
        foreach (var child in FolderWalker.List(accountFolder).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var relative = $"{owner.AccountId}/{child.Name}";
            if (child is not DirectoryInfo || FolderWalker.IsLink(child) || GenerationOf(child.Name) is not { } generation)
            {
                var stray = FolderWalker.Measure(child.FullName);
                items.Add(new CleanupItem(CleanupKind.OrphanFolder, relative, CleanupText.Say("Cleanup.Stray", child.Name, owner.Name), stray.Bytes, stray.Files)
                {
                    AccountId = owner.AccountId,
                    AccountName = owner.Name,
                });
                continue;
            }

            if (generation != owner.Generation)
            {
                var stats = FolderWalker.Measure(child.FullName);
                items.Add(new CleanupItem(CleanupKind.SupersededGeneration, relative,
                    generation < owner.Generation
                        ? CleanupText.Say("Cleanup.Superseded", generation, owner.Name, owner.Generation)
                        : CleanupText.Say("Cleanup.Newer", generation, owner.Name, owner.Generation),
                    stats.Bytes, stats.Files)
                {
                    AccountId = owner.AccountId,
                    AccountName = owner.Name,
                    Generation = generation,
                    KeptBecause = generation > owner.Generation ? CleanupText.Say("Kept.Newer") : null,
                });
                continue;
            }

            var inspection = inspector.Inspect(child.FullName, new InspectionContext(owner.InUse, now, Deep: false));
            var kept = owner.InUse ? CleanupText.Say("Kept.InUse", owner.Status) : null;
            if (inspection.TrimmableCaches.Count > 0)
            {
                items.Add(new CleanupItem(CleanupKind.Caches, relative, CleanupText.Say("Cleanup.Caches", owner.Name, string.Join(", ", inspection.TrimmableCaches)),
                    inspection.TrimmableBytes, 0) { AccountId = owner.AccountId, AccountName = owner.Name, Generation = generation, KeptBecause = kept });
            }

            if (inspection.StaleLocks.Count > 0)
            {
                items.Add(new CleanupItem(CleanupKind.StaleLocks, relative, CleanupText.Say("Cleanup.StaleLock", owner.Name, string.Join(", ", inspection.StaleLocks)), 0,
                    inspection.StaleLocks.Count) { AccountId = owner.AccountId, AccountName = owner.Name, Generation = generation, KeptBecause = kept });
            }

            if (inspection.TempFiles.Count > 0)
            {
                items.Add(new CleanupItem(CleanupKind.TempFiles, relative, CleanupText.Say("Cleanup.TempFiles", inspection.TempFiles.Count, owner.Name),
                    inspection.TempBytes, inspection.TempFiles.Count) { AccountId = owner.AccountId, AccountName = owner.Name, Generation = generation, KeptBecause = kept });
            }
        }
    }

    /// <summary>A generation folder is named by its number, written plainly ("2", not "02" or "+2").</summary>
    public static int? GenerationOf(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var generation) && generation >= 1
        && generation.ToString(CultureInfo.InvariantCulture) == name
            ? generation
            : null;
}
