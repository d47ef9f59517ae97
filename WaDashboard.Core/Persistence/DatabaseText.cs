using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Why the database cannot take writes (<see cref="DatabaseHealthState.Problem"/>), in English for the REST API, the
/// logs and the alert webhook, each under a code the console says in the person's language. Arguments are data: a file
/// name, and the driver's own error (its type and first line), which stays as the driver wrote it.
/// </summary>
public static class DatabaseText
{
    public static readonly PhraseBook Book = new(
        ("Database.NoAnswer", "The database server does not answer."),
        ("Database.FileGone", "The database file {0} is gone from the data directory (deleted or moved); changes would be lost at the next start. Restore it from a backup and restart."),
        ("Database.FileReplaced", "The database file {0} is gone or was replaced by one without the dashboard's tables; changes would be lost. Restore it from a backup and restart."),
        ("Database.SaveFailed", "Saving to the database failed ({0}: {1})."),
        ("Database.CannotWrite", "The database cannot take writes."));

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
