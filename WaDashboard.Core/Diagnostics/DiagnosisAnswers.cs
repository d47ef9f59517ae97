using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Diagnostics;

/// <summary>
/// What the Diagnostics features answer a person in their own words: a storage action refused before it reaches an
/// account (<see cref="ActionOutcome.Message"/>), and the note on a session found on a gateway server
/// (<see cref="ServerSession.Finding"/>). English for the REST API and the logs, each under a code the console says in
/// the person's language; arguments are data (ids, names, worker ids, the file system's own words).
/// </summary>
public static class DiagnosisAnswers
{
    public static readonly PhraseBook Book = new(
        ("Action.NoAccount", "This finding has no account to act on."),
        ("Action.NoSuchAccount", "No such account; it may have been removed."),
        ("Action.WhichGeneration", "Say which generation to move to the quarantine."),
        ("Action.None", "There is no action for this finding; check it by hand."),
        ("Action.NotABackup", "'{0}' is not a backup id. List the account's backups first."),
        ("Action.MoveFailed", "Moving '{0}' failed: {1}"),
        ("Server.NotOurs", "Not created by this dashboard: it is left alone. Add the number as an account on this server to manage it here."),
        ("Server.AccountGone", "Named for an account that no longer exists here: remove it on the server to free its place."),
        ("Server.LeftBehind", "Left behind: the account now runs on {0}. Remove it on this server."));

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
