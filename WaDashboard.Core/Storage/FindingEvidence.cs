using System.Globalization;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>
/// The evidence behind a storage finding (<see cref="SessionFinding.Detail"/>), in English for the REST API and the logs,
/// each sentence under a code the console says in the person's language. Arguments are data: file and folder names,
/// sizes and counts written without culture, the engine's or the driver's own words. A few short phrases
/// (<c>Files.*</c>, <c>Size.Bytes</c>, <c>Lock.*</c> judgements) are said inside others.
/// </summary>
public static class FindingEvidence
{
    public static readonly PhraseBook Book = new(
        // Counts and sizes said inside other sentences.
        ("Files.One", "1 file"),
        ("Files.Many", "{0} files"),
        ("Size.Bytes", "{0} bytes"),

        // The folder as a whole.
        ("Folder.Absent", "No login: the folder {0} does not exist in {1}."),
        ("Folder.Unseen", "Neither {0} nor the folder it should be in can be seen (not mounted, or not readable); nothing was checked."),
        ("Folder.Link", "The session folder is a link to {0}; links are not followed, so it was not inspected."),
        ("Folder.LinkLogin", "The session folder is a link to {0}; links are not followed, so its login was not checked."),
        ("Folder.Empty", "No login: the folder is empty."),
        ("Folder.Unrecognized", "{0}, {1}; none of them is creds.json, a Chromium profile or an SQLite database."),
        ("Folder.UnrecognizedLogin", "The folder holds {0} in no format the dashboard knows, so its login was not checked."),
        ("Required.Baileys", "Missing: {0} (required for a Baileys multi-file session)."),
        ("Required.Chromium", "Missing: {0} (required for a Chromium profile (whatsapp-web.js) session)."),
        ("Required.Whatsmeow", "Missing: {0} (required for a whatsmeow SQLite session)."),
        ("Caches", "{0} in caches: {1}."),
        ("TempFiles", "{0} temp file(s), {1}, older than {2} min: {3}."),
        ("Oversized.TrimEnough", "{0} ({1} bytes) is over the {2} MB limit ({3} bytes). Caches take {4} of it; trimming them brings it under the limit."),
        ("Oversized.TrimNotEnough", "{0} ({1} bytes) is over the {2} MB limit ({3} bytes). Caches take {4} of it, not enough to get under the limit. " + LoginFine),
        ("Oversized", "{0} ({1} bytes) is over the {2} MB limit ({3} bytes). " + LoginFine),
        ("TooManyFiles", "{0} files; the limit is {1}."),
        ("KeyFiles.Over", "{0} {1} (limit {2})."),
        ("KeyFiles.Grows", "{0} grows by {1} a day (limit {2})."),

        // Chromium's profile lock (chrome/browser/process_singleton_posix.cc); the judgements are said inside Lock.Stale/Lock.Held.
        ("Lock.Stale", "{0}; stale because {1}."),
        ("Lock.Held", "{0}: {1}. The lock is left alone."),
        ("Lock.None", "no SingletonLock, so no browser holds the profile"),
        ("Lock.NotLink", "SingletonLock is not a link naming its holder, so who holds the profile is not known"),
        ("Lock.Unreadable", "SingletonLock names '{0}', not a host and a process id, so who holds the profile is not known"),
        ("Lock.OtherHost", "SingletonLock names host '{0}' (process {1}), not this host ({2}); whether that browser runs is not this host's to judge"),
        ("Lock.Alive", "process {0} ({1}) named by SingletonLock runs on this host"),
        ("Lock.Dead", "process {0} named by SingletonLock does not run on this host"),

        // Baileys' creds.json.
        ("Creds.Link", "creds.json is a link to {0}; links are not followed, so the login was not checked."),
        ("Creds.Missing", "No creds.json next to {0} key file(s) ({1}): there is no login to start with."),
        ("Creds.InUse", "{0} An engine holds the session, so it may be in the middle of a write; check again in a moment."),
        ("Creds.TooLarge", "creds.json is {0}; a real one is a few KB."),
        ("Creds.CannotRead", "creds.json cannot be read: {0}"),
        ("Creds.Empty", "creds.json has {0} byte(s) and no content."),
        ("Creds.CutOff", "creds.json stops after {0} bytes in the middle of its JSON: it was cut off (line {1})."),
        ("Creds.NotJson", "creds.json ({0} bytes) is not valid JSON (line {1})."),
        ("Creds.NotObject", "creds.json holds a JSON {0}, not the object of a login."),
        ("Creds.Lacks", "creds.json lacks {0}."),

        // whatsmeow's SQLite store.
        ("Sqlite.Link", "{0} is a link; links are not followed, so it was not checked."),
        ("Sqlite.CannotRead", "{0} could not be read, so it was not checked."),
        ("Sqlite.Empty", "{0} is empty (0 bytes): there is no login in it."),
        ("Sqlite.NoHeader", "{0} ({1}) does not start with the SQLite header: it is not a database."),
        ("Sqlite.Busy", "{0} is busy (another process, most likely an engine, is writing it): {1} Nothing was changed; check again when it is idle."),
        ("Sqlite.Error", "{0}: {1} Nothing was changed; check again later."),
        ("Sqlite.JournalTooLarge", "{0} has a hot rollback journal ({1}) and is too large ({2}) to check on a copy. whatsmeow rolls the journal back when it next opens the store; check again after that."),
        ("Sqlite.ChangedWhileCopied", "{0} changed while it was being copied for checking (an engine is writing it); check again when it is idle."),
        ("Sqlite.JournalCorrupt", "{0} (checked on a copy with its rollback journal): {1}"),
        ("Sqlite.JournalUnchecked", "{0} has a hot rollback journal and its copy could not be checked: {1}"),
        ("Sqlite.JournalUncopied", "{0} has a hot rollback journal and could not be copied for checking: {1}"),

        // Folders beside the accounts' current ones.
        ("Orphan", "'{0}': {1} in {2}."),
        ("Orphan.Removed", "'{0}': {1} in {2}; its account was removed."),
        ("Superseded", "Generation {0}: {1} in {2}; the account is on generation {3}."),

        // What the account's state adds to the folder's evidence.
        ("NotLinked", "The account was added but never linked."),
        ("LoggedOut", "Logged out."),
        ("LinkExpired", "The code ran out before the phone linked."),
        ("SessionGone", "The session folder is gone."),
        ("EngineFoundNoLogin", "The engine found no usable login in generation {0} ({1})."),
        ("EngineReportedCorrupt", "The engine reported the session as corrupt."),
        ("Corrupt.ProofsHold", "{0} The login's own proofs hold ({1}), so it is not thrown away on this report alone: reconnect, and read the engine's log if it fails again."),
        ("Corrupt.Unchecked", "{0} The folder could not be checked ({1}); nothing is thrown away until it can be: check again."),
        ("Generation.Missing", "The folder of generation {0} is missing or empty."),
        ("Generation.NoLogin", "The folder of generation {0} holds no linked login: {1}"),
        // A valid session whose account is not connected: {0} is the state's name, {1} what happened (both said again by
        // the console from the account itself, in the person's language).
        ("Account.NotConnected", "The account is {0}: {1}"),
        ("Account.NotConnected.Replaced", "The account is {0}: {1} Stop the other device or instance first."),
        ("Account.NotConnected.Bare", "The account is {0}"));

    private const string LoginFine = "The login itself is fine: a fresh link would start small, but it costs the login, and that is for a person to decide.";

    /// <summary>Says a sentence of this book (English, culture-invariant).</summary>
    public static string Say(string code, params object?[] args) => Book.Say(code, args);

    /// <summary>"1 file", "1,234 files".</summary>
    public static string Files(int count) => count == 1 ? Say("Files.One") : Say("Files.Many", Number(count));

    /// <summary>A whole number for people, grouped without culture: "1,234".</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
