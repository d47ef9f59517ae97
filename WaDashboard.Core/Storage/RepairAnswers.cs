using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// What a repair of a session folder answers (<see cref="RepairOutcome.Message"/>): done, or refused and why. English for
/// the REST API and the logs, each under a code the console says in the person's language. Arguments are data (names,
/// paths, sizes and dates written without culture, the file system's own words); a repair's label is said inside
/// <c>Repair.Failed</c>.
/// </summary>
public static class RepairAnswers
{
    public static readonly PhraseBook Book = new(
        ("Repair.Label.TrimCaches", "Trimming caches"),
        ("Repair.Label.RemoveStaleLocks", "Removing the stale lock"),
        ("Repair.Label.RemoveTempFiles", "Removing temp files"),
        ("Repair.Label.RestoreCreds", "Restoring creds.json"),
        ("Repair.Label.QuarantineGeneration", "Moving generation {0} to the quarantine"),
        ("Repair.Unknown", "Unknown repair."),
        ("Repair.NoSuchAccount", "No such account."),
        ("Repair.NothingToDo", "Nothing to do."),
        ("Repair.Failed", "{0} failed: {1} Nothing else was changed; try again, or check the folder's permissions."),
        ("Repair.MoveFailed", "Moving generation {0} to the quarantine failed: {1} The folder stays where it was."),
        ("Repair.NoGeneration", "Generation {0} has no folder any more; nothing to move."),
        ("Repair.GenerationMoved", "Session generation {0} ({1}) moved to the quarantine as {2}; creds.json was backed up first."),
        ("Repair.NoCaches", "There are no caches to trim."),
        ("Repair.Trimmed", "Trimmed {0} cache folder(s), freeing {1}; the login was not touched."),
        ("Repair.NoLock", "There is no browser lock to remove."),
        ("Repair.LocksRemoved", "Removed {0}; the next start can open the profile."),
        ("Repair.LocksKept", "Left in place: {0}."),
        ("Repair.LocksPartly", "Removed {0}. Left in place: {1}."),
        ("Repair.LockChanged", "it changed while being removed"),
        ("Repair.LockTaken", "a browser took the profile while the lock was being removed"),
        ("Repair.NoTemp", "There are no leftover temp files."),
        ("Repair.TempRemoved", "Removed {0} temp file(s), freeing {1}."),
        ("Backup.NotAnId", "'{0}' is not a backup id; ids look like \"{1}-0639000000000000000\". List the backups first."),
        ("Backup.None", "This account has no backup {0}."),
        ("Backup.OtherGeneration", "Backup {0} belongs to session generation {1}, and the account is on generation {2}; a creds.json only fits the keys of its own generation."),
        ("Backup.FolderGone", "The session folder of generation {0} is gone (cleared or quarantined); there is nothing to restore into."),
        ("Backup.Restored", "creds.json restored from the backup of {0} UTC."),
        ("Root.NotThere", "There is no folder named '{0}' directly in the sessions root; check the diagnostics again and retry."),
        ("Root.Own", "'{0}' belongs to the dashboard itself; it is never quarantined."),
        ("Root.Owned", "'{0}' is the session folder of {1}; use that account's actions instead."),
        ("Root.Moved", "'{0}' ({1}) moved to the quarantine as {2}; it is deleted after the retention period."));

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
