namespace WaDashboard.Core.Storage;

public enum CleanupKind
{
    /// <summary>A folder in the sessions root (or inside an account's folder) that belongs to no account or generation.</summary>
    OrphanFolder,
    /// <summary>An account's older session generation, left from before a relink.</summary>
    SupersededGeneration,
    /// <summary>Browser caches of a session not in use; the login stays.</summary>
    Caches,
    /// <summary>Browser locks of a session not in use.</summary>
    StaleLocks,
    /// <summary>Leftover temp files of a session not in use.</summary>
    TempFiles,
    /// <summary>A quarantine entry whose retention is over.</summary>
    ExpiredQuarantine,
}

/// <summary>One thing a cleanup would do (or, with <see cref="KeptBecause"/>, deliberately leaves alone).</summary>
/// <param name="Path">Relative to the sessions root, '/' separated.</param>
public sealed record CleanupItem(CleanupKind Kind, string Path, string Description, long Bytes, int Files)
{
    public string? AccountId { get; init; }
    public string? AccountName { get; init; }
    public int? Generation { get; init; }

    /// <summary>Why this is left alone (e.g. the session is in use), or null when it is to be done.</summary>
    public string? KeptBecause { get; init; }

    /// <summary>Space comes back at once (deleted), rather than after the quarantine's retention period.</summary>
    public bool FreesAtOnce => Kind is CleanupKind.Caches or CleanupKind.TempFiles or CleanupKind.StaleLocks or CleanupKind.ExpiredQuarantine;

    public string Key => $"{Kind}:{Path}";
}

/// <summary>What a cleanup would do, found by one scan of the sessions root.</summary>
public sealed record CleanupPlan(DateTimeOffset At, IReadOnlyList<CleanupItem> Items)
{
    public IReadOnlyList<CleanupItem> ToDo => Items.Where(i => i.KeptBecause is null).ToList();

    public IReadOnlyList<CleanupItem> Kept => Items.Where(i => i.KeptBecause is not null).ToList();

    /// <summary>Deleted at once: caches, temp files, expired quarantine entries.</summary>
    public long BytesFreedAtOnce => ToDo.Where(i => i.FreesAtOnce).Sum(i => i.Bytes);

    /// <summary>Moved into the quarantine: freed when its retention period is over.</summary>
    public long BytesQuarantined => ToDo.Where(i => !i.FreesAtOnce).Sum(i => i.Bytes);
}

public enum CleanupItemOutcome
{
    Done,
    /// <summary>Left alone: in use, or it changed since the plan.</summary>
    Skipped,
    Failed,
}

public sealed record CleanupItemResult(CleanupItem Item, CleanupItemOutcome Outcome, string Message, long BytesFreed);

/// <summary>What a cleanup run did (or, for a dry run, would do).</summary>
public sealed record CleanupReport(long RunId, bool DryRun, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, CleanupPlan Plan, IReadOnlyList<CleanupItemResult> Results)
{
    public int Done => Results.Count(r => r.Outcome == CleanupItemOutcome.Done);
    public int Skipped => Results.Count(r => r.Outcome == CleanupItemOutcome.Skipped);
    public int Failed => Results.Count(r => r.Outcome == CleanupItemOutcome.Failed);

    public long BytesFreed => DryRun ? 0 : Results.Where(r => r.Outcome == CleanupItemOutcome.Done).Sum(r => r.BytesFreed);

    public long BytesQuarantined => DryRun ? 0 : Results.Where(r => r.Outcome == CleanupItemOutcome.Done && !r.Item.FreesAtOnce).Sum(r => r.Item.Bytes);

    public string Summary(TimeSpan retention) => DryRun
        ? Plan.ToDo.Count == 0
            ? $"Nothing to clean up.{KeptNote}"
            : $"Would clean up {Plan.ToDo.Count} item(s): free {SessionInspector.FormatSize(Plan.BytesFreedAtOnce)} at once, and move {SessionInspector.FormatSize(Plan.BytesQuarantined)} " +
              $"to the quarantine (freed after {retention.TotalDays:0.#} days).{KeptNote}"
        : $"Cleaned up {Done} item(s): freed {SessionInspector.FormatSize(BytesFreed)} at once, moved {SessionInspector.FormatSize(BytesQuarantined)} to the quarantine " +
          $"(freed after {retention.TotalDays:0.#} days).{(Failed > 0 ? $" {Failed} failed (see each item)." : "")}{KeptNote}";

    private string KeptNote => Plan.Kept.Count > 0 ? $" {Plan.Kept.Count} item(s) left alone because their session is in use." : "";
}

public enum CleanupPhase
{
    Idle,
    Planning,
    Running,
    Finished,
    Failed,
}

/// <summary>Where a cleanup run is: for the progress bar.</summary>
public sealed record CleanupProgress(long RunId, bool DryRun, CleanupPhase Phase, int Total, int Processed, int Failed, long BytesFreed, long BytesQuarantined, string? Current,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error = null)
{
    public static readonly CleanupProgress Idle = new(0, false, CleanupPhase.Idle, 0, 0, 0, 0, 0, null, null, null);

    public bool IsRunning => Phase is CleanupPhase.Planning or CleanupPhase.Running;

    public int Percent => Phase is CleanupPhase.Finished ? 100 : Total == 0 ? 0 : (int)Math.Floor(100.0 * Processed / Total);
}
