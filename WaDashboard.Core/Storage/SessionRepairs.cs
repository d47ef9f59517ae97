using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Storage;

/// <summary>A repair of one account's session folder. Carried out by the account's supervisor, never while the session is in use.</summary>
public abstract record FolderRepair
{
    /// <summary>What a person calls it.</summary>
    public abstract string Label { get; }
}

/// <summary>Remove browser caches; the login stays.</summary>
public sealed record TrimCaches : FolderRepair
{
    public override string Label => RepairAnswers.Say("Repair.Label.TrimCaches");
}

/// <summary>Remove Chromium Singleton* locks left by a browser that no longer runs.</summary>
public sealed record RemoveStaleLocks : FolderRepair
{
    public override string Label => RepairAnswers.Say("Repair.Label.RemoveStaleLocks");
}

/// <summary>Remove temp files older than the configured minimum age.</summary>
public sealed record RemoveTempFiles : FolderRepair
{
    public override string Label => RepairAnswers.Say("Repair.Label.RemoveTempFiles");
}

/// <summary>Put a creds.json backup back (same generation only).</summary>
public sealed record RestoreCreds(string BackupId) : FolderRepair
{
    public override string Label => RepairAnswers.Say("Repair.Label.RestoreCreds");
}

/// <summary>Move an older (superseded) generation of the account into the quarantine.</summary>
public sealed record QuarantineOldGeneration(int Generation) : FolderRepair
{
    public override string Label => RepairAnswers.Say("Repair.Label.QuarantineGeneration", Generation);
}

/// <summary>What a repair did: whether it happened, a message for a person, and the space it freed at once.</summary>
public sealed record RepairOutcome(bool Done, string Message, long BytesFreed = 0, int Items = 0);

/// <summary>A quick look at a session folder before it is started, or after starts failed.</summary>
public sealed record SessionFolderCheck(bool Exists, bool Corrupt, bool LoginPresent, string Detail);

/// <summary>
/// The storage side of every repair of an account's session folder: back up creds.json, then trim caches, remove
/// stale locks or temp files, restore a backup, or move a generation into the quarantine. It does not decide
/// whether a repair may run; the account's supervisor (or, offline, the same pure decision) does, so a folder in
/// use is never touched.
/// </summary>
public sealed class SessionRepairs
{
    private readonly SessionFolders _folders;
    private readonly SessionInspector _inspector;
    private readonly SessionQuarantine _quarantine;
    private readonly CredsBackups _backups;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionRepairs> _logger;

    public SessionRepairs(SessionFolders folders, SessionInspector inspector, SessionQuarantine quarantine, CredsBackups backups, TimeProvider time, ILogger<SessionRepairs> logger)
    {
        _folders = folders;
        _inspector = inspector;
        _quarantine = quarantine;
        _backups = backups;
        _time = time;
        _logger = logger;
    }

    public SessionFolders Folders => _folders;

    /// <summary>Carries out a repair on a folder not in use. Never throws for I/O problems; the outcome says what happened.</summary>
    public RepairOutcome Run(string accountId, int generation, FolderRepair repair)
    {
        try
        {
            return repair switch
            {
                TrimCaches => Trim(accountId, generation),
                RemoveStaleLocks => RemoveLocks(accountId, generation),
                RemoveTempFiles => RemoveTemps(accountId, generation),
                RestoreCreds restore => Restore(accountId, generation, restore.BackupId),
                QuarantineOldGeneration old => MoveGeneration(accountId, old.Generation, "Superseded by a newer session generation"),
                _ => new RepairOutcome(false, RepairAnswers.Say("Repair.Unknown")),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "{Repair} failed for {AccountId} generation {Generation}", repair.Label, accountId, generation);
            return new RepairOutcome(false, RepairAnswers.Say("Repair.Failed", repair.Label, ex.Message));
        }
    }

    /// <summary>Backs up creds.json, then moves the generation's folder into the quarantine (kept for the retention period).</summary>
    public RepairOutcome QuarantineGeneration(string accountId, int generation, string reason)
    {
        try
        {
            return MoveGeneration(accountId, generation, reason);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "Moving generation {Generation} of {AccountId} to the quarantine failed", generation, accountId);
            return new RepairOutcome(false, RepairAnswers.Say("Repair.MoveFailed", generation, ex.Message));
        }
    }

    private RepairOutcome MoveGeneration(string accountId, int generation, string reason)
    {
        var folder = _folders.GenerationFolder(accountId, generation);
        if (!FolderWalker.EntryExists(folder))
        {
            return new RepairOutcome(true, RepairAnswers.Say("Repair.NoGeneration", generation));
        }

        _backups.BackUp(accountId, generation, reason);
        var moved = _quarantine.Move([folder], "generation", reason, accountId, generation);
        return new RepairOutcome(true,
            RepairAnswers.Say("Repair.GenerationMoved", generation, SessionInspector.FormatSize(moved.Bytes), moved.EntryName),
            0, moved.Moved);
    }

    /// <summary>A quick look for corruption (creds.json parse, SQLite quick_check); deep runs the full integrity check.</summary>
    public SessionFolderCheck Check(string accountId, int generation, bool deep)
    {
        if (generation < 1)
        {
            return new SessionFolderCheck(false, false, false, "No session folder yet.");
        }

        // Called before the engine starts the session, or after its starts failed: no engine holds it, so a broken
        // creds.json is not a write in progress (a fresh write is still given the benefit of the doubt, see BaileysInspector).
        var inspection = _inspector.Inspect(_folders.GenerationFolder(accountId, generation), new InspectionContext(InUse: false, _time.GetUtcNow(), Deep: deep));
        if (inspection.Verdict == SessionVerdict.Missing)
        {
            return new SessionFolderCheck(false, false, false, "The session folder is missing or empty.");
        }

        // Only a login proven broken counts as corrupt: what could not be checked is started as it is, and the engine tells.
        var problems = inspection.Problems.ToList();
        return problems.Count > 0 && inspection.Login.IsProvenBroken
            ? new SessionFolderCheck(true, true, inspection.LoginPresent, string.Join(" ", problems.Select(p => $"{p.Title}: {p.Detail}")))
            : new SessionFolderCheck(true, false, inspection.LoginPresent,
                inspection.LoginPresent ? $"The session folder holds a readable login ({inspection.Login.Summary})."
                : inspection.Verdict == SessionVerdict.Unchecked ? $"The session folder could not be checked; it is started as it is ({inspection.Login.Summary})."
                : "The session folder holds no linked login.");
    }

    private RepairOutcome Trim(string accountId, int generation)
    {
        var folder = _folders.GenerationFolder(accountId, generation);
        var caches = _inspector.FindCaches(folder);
        if (caches.Count == 0)
        {
            return new RepairOutcome(true, RepairAnswers.Say("Repair.NoCaches"));
        }

        _backups.BackUp(accountId, generation, "trimming caches");
        var moved = _quarantine.Move(caches.Select(c => Resolve(folder, c)).ToList(), "caches", "Caches trimmed", accountId, generation, deleteNow: true);
        return new RepairOutcome(true,
            RepairAnswers.Say("Repair.Trimmed", moved.Moved, SessionInspector.FormatSize(moved.Bytes)), moved.Bytes, moved.Moved);
    }

    /// <summary>
    /// Removes a profile's lock only when it is judged stale at this moment (see <see cref="ChromiumLocks"/>): the holder
    /// is judged again here, SingletonLock is removed only while it still names that dead process, and SingletonSocket /
    /// SingletonCookie only once no SingletonLock is there, so a browser that started in between keeps its lock.
    /// </summary>
    private RepairOutcome RemoveLocks(string accountId, int generation)
    {
        var folder = _folders.GenerationFolder(accountId, generation);
        var removed = new List<string>();
        var kept = new List<string>();
        var backedUp = false;
        foreach (var root in ChromiumProfileInspector.ProfileRoots(folder))
        {
            var profile = root.Length == 0 ? folder : Path.Combine(folder, root.TrimEnd('/'));
            var present = FolderWalker.List(profile).Where(e => ChromiumLocks.Names.Contains(e.Name)).ToList();
            if (present.Count == 0)
            {
                continue;
            }

            var judgement = ChromiumLocks.JudgeProfile(profile);
            if (!judgement.Stale)
            {
                kept.Add($"{root}{ChromiumLocks.LockName}: {judgement.Detail}");
                continue;
            }

            if (!backedUp)
            {
                _backups.BackUp(accountId, generation, "removing a stale lock");
                backedUp = true;
            }

            var lockPath = Path.Combine(profile, ChromiumLocks.LockName);
            if (judgement.Holder == LockHolder.DeadHere)
            {
                // Unlinking a link is atomic and never touches what it points to; it is done only while it names the same dead process.
                if (new FileInfo(lockPath).LinkTarget != judgement.Target || !ChromiumLocks.JudgeTarget(judgement.Target).Stale)
                {
                    kept.Add($"{root}{ChromiumLocks.LockName}: {RepairAnswers.Say("Repair.LockChanged")}");
                    continue;
                }

                File.Delete(lockPath);
                removed.Add(root + ChromiumLocks.LockName);
            }

            if (FolderWalker.EntryExists(lockPath))
            {
                kept.Add($"{root}{ChromiumLocks.LockName}: {RepairAnswers.Say("Repair.LockTaken")}");
                continue;
            }

            foreach (var entry in present.Where(e => e.Name != ChromiumLocks.LockName))
            {
                File.Delete(entry.FullName);
                removed.Add(root + entry.Name);
            }
        }

        if (removed.Count == 0 && kept.Count == 0)
        {
            return new RepairOutcome(true, RepairAnswers.Say("Repair.NoLock"));
        }

        if (removed.Count > 0)
        {
            _logger.LogInformation("Removed stale browser locks {Locks} of {AccountId}", string.Join(", ", removed), accountId);
        }

        if (kept.Count > 0)
        {
            _logger.LogWarning("Left browser locks of {AccountId} in place: {Reason}", accountId, string.Join("; ", kept));
        }

        return kept.Count == 0
            ? new RepairOutcome(true, RepairAnswers.Say("Repair.LocksRemoved", string.Join(", ", removed)), 0, removed.Count)
            : new RepairOutcome(false, removed.Count > 0 ? RepairAnswers.Say("Repair.LocksPartly", string.Join(", ", removed), string.Join("; ", kept)) : RepairAnswers.Say("Repair.LocksKept", string.Join("; ", kept)), 0, removed.Count);
    }

    private RepairOutcome RemoveTemps(string accountId, int generation)
    {
        var folder = _folders.GenerationFolder(accountId, generation);
        var inspection = _inspector.Inspect(folder, new InspectionContext(InUse: false, _time.GetUtcNow(), Deep: false));
        if (inspection.TempFiles.Count == 0)
        {
            return new RepairOutcome(true, RepairAnswers.Say("Repair.NoTemp"));
        }

        _backups.BackUp(accountId, generation, "removing temp files");
        var moved = _quarantine.Move(inspection.TempFiles.Select(t => Resolve(folder, t)).ToList(), "temp-files", "Leftover temp files removed", accountId, generation, deleteNow: true);
        return new RepairOutcome(true, RepairAnswers.Say("Repair.TempRemoved", moved.Moved, SessionInspector.FormatSize(moved.Bytes)), moved.Bytes, moved.Moved);
    }

    private RepairOutcome Restore(string accountId, int generation, string backupId)
    {
        var (done, message) = _backups.Restore(accountId, generation, backupId);
        return new RepairOutcome(done, message, 0, done ? 1 : 0);
    }

    private static string Resolve(string folder, string relative) =>
        SessionPaths.TryRelative(folder, relative, out var path)
            ? path
            : throw new UnauthorizedAccessException($"'{relative}' does not stay inside the session folder.");
}
