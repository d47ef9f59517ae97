using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// One cleanup pass: plan, then carry out each item. Every removal is a rename into the quarantine (atomic), so a
/// pass killed at any point leaves each folder either in place and whole, or whole in the quarantine; the next pass
/// picks up where it stopped. Items of an account go through <see cref="ISessionOwners.RepairAsync"/>, which refuses
/// them while the account's session is in use.
/// </summary>
public sealed class SessionCleanup(CleanupPlanner planner, SessionQuarantine quarantine, SessionFolders folders, TimeProvider time, ILogger<SessionCleanup> logger)
{
    public Task<CleanupPlan> PlanAsync(ISessionOwners owners, CancellationToken cancellationToken) => planner.PlanAsync(owners, cancellationToken);

    public async Task<CleanupReport> RunAsync(ISessionOwners owners, bool dryRun, long runId, Action<CleanupProgress>? progress, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        progress?.Invoke(new CleanupProgress(runId, dryRun, CleanupPhase.Planning, 0, 0, 0, 0, 0, "Scanning the session folders", started, null));
        var plan = await planner.PlanAsync(owners, cancellationToken);
        var results = new List<CleanupItemResult>();
        var toDo = plan.ToDo;
        if (!dryRun)
        {
            long freed = 0, quarantined = 0;
            var failed = 0;
            progress?.Invoke(new CleanupProgress(runId, dryRun, CleanupPhase.Running, toDo.Count, 0, 0, 0, 0, null, started, null));
            foreach (var item in toDo)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await ExecuteAsync(owners, item, cancellationToken);
                results.Add(result);
                if (result.Outcome == CleanupItemOutcome.Done)
                {
                    freed += result.BytesFreed;
                    quarantined += item.FreesAtOnce ? 0 : item.Bytes;
                }
                else if (result.Outcome == CleanupItemOutcome.Failed)
                {
                    failed++;
                }

                progress?.Invoke(new CleanupProgress(runId, dryRun, CleanupPhase.Running, toDo.Count, results.Count, failed, freed, quarantined, item.Path, started, null));
            }
        }

        results.AddRange(plan.Kept.Select(k => new CleanupItemResult(k, CleanupItemOutcome.Skipped, CleanupText.Say("Cleanup.LeftAlone", k.KeptBecause), 0)));
        var report = new CleanupReport(runId, dryRun, started, time.GetUtcNow(), plan, results);
        logger.LogInformation("Session cleanup {RunId} ({Mode}): {Done} done, {Skipped} left alone, {Failed} failed, {Freed} bytes freed, {Quarantined} bytes quarantined",
            runId, dryRun ? "dry run" : "run", report.Done, report.Skipped, report.Failed, report.BytesFreed, report.BytesQuarantined);
        progress?.Invoke(new CleanupProgress(runId, dryRun, CleanupPhase.Finished, toDo.Count, dryRun ? 0 : toDo.Count, report.Failed, report.BytesFreed, report.BytesQuarantined,
            null, started, report.FinishedAt));
        return report;
    }

    private async Task<CleanupItemResult> ExecuteAsync(ISessionOwners owners, CleanupItem item, CancellationToken cancellationToken)
    {
        try
        {
            switch (item.Kind)
            {
                case CleanupKind.OrphanFolder:
                    return await QuarantineOrphanAsync(owners, item, cancellationToken);
                case CleanupKind.ExpiredQuarantine:
                    var name = item.Path[(SessionFolders.QuarantineFolderName.Length + 1)..];
                    var entry = quarantine.Expired().FirstOrDefault(e => e.Name == name);
                    return entry is null
                        ? new CleanupItemResult(item, CleanupItemOutcome.Skipped, CleanupText.Say("Cleanup.AlreadyGone"), 0)
                        : new CleanupItemResult(item, CleanupItemOutcome.Done, CleanupText.Say("Cleanup.Deleted"), quarantine.Purge(entry));
            }

            FolderRepair repair = item.Kind switch
            {
                CleanupKind.SupersededGeneration => new QuarantineOldGeneration(item.Generation!.Value),
                CleanupKind.Caches => new TrimCaches(),
                CleanupKind.StaleLocks => new RemoveStaleLocks(),
                _ => new RemoveTempFiles(),
            };
            var outcome = await owners.RepairAsync(item.AccountId!, repair, cancellationToken);
            return new CleanupItemResult(item, outcome.Done ? CleanupItemOutcome.Done : CleanupItemOutcome.Skipped, outcome.Message, outcome.BytesFreed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Cleanup of {Path} failed", item.Path);
            return new CleanupItemResult(item, CleanupItemOutcome.Failed, ex.Message, 0);
        }
    }

    private async Task<CleanupItemResult> QuarantineOrphanAsync(ISessionOwners owners, CleanupItem item, CancellationToken cancellationToken)
    {
        if (!SessionPaths.TryExistingPath(folders.Root, item.Path, out var path))
        {
            return new CleanupItemResult(item, CleanupItemOutcome.Skipped, CleanupText.Say("Cleanup.AlreadyGone"), 0);
        }

        if (folders.IsReservedPath(path))
        {
            return new CleanupItemResult(item, CleanupItemOutcome.Failed, CleanupText.Say("Cleanup.OwnFolder"), 0);
        }

        var first = item.Path.Split('/')[0];
        if (!item.Path.Contains('/', StringComparison.Ordinal) && AccountId.IsValid(first) && await owners.ExistsAsync(first, cancellationToken))
        {
            return new CleanupItemResult(item, CleanupItemOutcome.Skipped, CleanupText.Say("Cleanup.Owned"), 0);
        }

        var moved = quarantine.Move([path], "orphan", item.Description, item.AccountId);
        return moved.Moved == 0
            ? new CleanupItemResult(item, CleanupItemOutcome.Skipped, CleanupText.Say("Cleanup.AlreadyGone"), 0)
            : new CleanupItemResult(item, CleanupItemOutcome.Done, CleanupText.Say("Cleanup.Moved", moved.EntryName), 0);
    }
}
