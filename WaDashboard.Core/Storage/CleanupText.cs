using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// What a cleanup says of each item (<see cref="CleanupItem.Description"/>), why it leaves one alone
/// (<see cref="CleanupItem.KeptBecause"/>) and what it did with it (<see cref="CleanupItemResult.Message"/>): English for the
/// REST API and the logs, each under a code the console says in the person's language. Arguments are data (names, paths,
/// counts, dates written without culture); <c>Kept.InUse</c>'s argument is the account's status by its enum name.
/// </summary>
public static class CleanupText
{
    public static readonly PhraseBook Book = new(
        ("Cleanup.Orphan.Removed", "Session folder of an account that no longer exists ({0})."),
        ("Cleanup.Orphan", "'{0}' is not an account's folder ({1})."),
        ("Cleanup.Quarantined", "Quarantined {0} ({1}: {2}); its retention is over."),
        ("Cleanup.InterruptedMove", "An interrupted move that never happened (the original is still in place)."),
        ("Cleanup.Stray", "'{0}' in {1}'s folder is not a session generation."),
        ("Cleanup.Superseded", "Generation {0} of {1}, superseded by generation {2}."),
        ("Cleanup.Newer", "Generation {0} of {1} is newer than its current generation {2}."),
        ("Cleanup.Caches", "Caches of {0}: {1}."),
        ("Cleanup.StaleLock", "Stale browser lock of {0}: {1}."),
        ("Cleanup.TempFiles", "{0} temp file(s) of {1}."),
        ("Kept.Newer", "newer than the account's current generation; check it by hand"),
        ("Kept.InUse", "in use: the account is {0}"),
        ("Cleanup.LeftAlone", "Left alone: {0}"),
        ("Cleanup.AlreadyGone", "Already gone."),
        ("Cleanup.Deleted", "Deleted."),
        ("Cleanup.OwnFolder", "The dashboard's own folders are never quarantined."),
        ("Cleanup.Owned", "It belongs to an account now."),
        ("Cleanup.Moved", "Moved to the quarantine as {0}."),
        ("Cleanup.AlreadyRunning", "A cleanup is already running ({0} of {1} done); wait for it to finish."),
        ("Cleanup.ShuttingDown", "The dashboard is shutting down; try again after it restarts."),
        ("Cleanup.DryRunStarted", "Dry run started: nothing will be changed."),
        ("Cleanup.Started", "Cleanup started."));

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
