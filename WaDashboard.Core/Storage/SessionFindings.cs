namespace WaDashboard.Core.Storage;

/// <summary>How bad a finding is. Higher is worse; lists are sorted by it, worst first.</summary>
public enum FindingSeverity
{
    Info = 0,
    Warning = 1,
    Critical = 2,
}

/// <summary>The one action that fixes a finding; each has its button on the Diagnostics page.</summary>
public enum RepairAction
{
    None,
    /// <summary>Quarantine the session (creds.json backed up) and relink with a fresh QR code.</summary>
    ClearSession,
    /// <summary>The saved session is valid: restart it, no QR needed.</summary>
    Reconnect,
    /// <summary>There is no session: a person links the phone with a QR code.</summary>
    ScanQr,
    /// <summary>Remove cache folders; the login stays.</summary>
    TrimCaches,
    /// <summary>Remove a browser lock left behind by a crashed process.</summary>
    RemoveStaleLock,
    /// <summary>Remove leftover temp files.</summary>
    RemoveTempFiles,
    /// <summary>Move an account's older session generation into the quarantine.</summary>
    QuarantineGeneration,
    /// <summary>Move a folder that belongs to no account into the quarantine.</summary>
    QuarantineFolder,
}

public enum FindingKind
{
    // The account's state
    NotLinked,
    LoggedOut,
    LinkExpired,
    SessionMissing,
    LoginMissing,
    EngineReportedCorrupt,
    NotConnected,
    // The session folder
    CredsMissing,
    CredsEmpty,
    CredsUnreadable,
    CredsIncomplete,
    RequiredFileMissing,
    DatabaseCorrupt,
    DatabaseUnreadable,
    LoginProofFailed,
    LoginUnchecked,
    Oversized,
    TooManyFiles,
    KeyFilesGrowing,
    StaleLock,
    ProfileLocked,
    TrimmableCaches,
    TempFiles,
    UnrecognizedContents,
    // Around the session folder
    SupersededGeneration,
    OrphanFolder,
}

/// <summary>
/// One problem found, in plain language: what it is, why it matters, the numbers behind it, and the one action that
/// fixes it. Fleet lists add the account (or the folder) it belongs to.
/// </summary>
public sealed record SessionFinding(FindingKind Kind, FindingSeverity Severity, string Title, string Explanation, string Detail, RepairAction Action)
{
    public string? AccountId { get; init; }
    public string? AccountName { get; init; }

    /// <summary>The session generation the finding is about, when it is not the current one.</summary>
    public int? Generation { get; init; }

    /// <summary>The folder the finding is about, relative to the sessions root ('/' separated).</summary>
    public string? Path { get; init; }

    /// <summary>Space involved (a cache's size, an old generation's size), when it applies.</summary>
    public long? Bytes { get; init; }

    /// <summary>Why the action cannot run right now (e.g. the session is in use), or null.</summary>
    public string? BlockedBecause { get; init; }

    /// <summary>Stable id for the page and scripts, e.g. "CredsUnreadable:0123456789abcdef".</summary>
    public string Key => $"{Kind}:{AccountId ?? Path ?? ""}{(Generation is { } g ? $":{g}" : "")}";

    public static SessionFinding Of(FindingKind kind, string detail, RepairAction? action = null, FindingSeverity? severity = null)
    {
        var info = FindingCatalog.Get(kind);
        return new SessionFinding(kind, severity ?? info.Severity, info.Title, info.Explanation, detail, action ?? info.Action);
    }

    /// <summary>Worst first; then by account, then by kind.</summary>
    public static IReadOnlyList<SessionFinding> Sort(IEnumerable<SessionFinding> findings) =>
        findings.OrderByDescending(f => f.Severity)
            .ThenBy(f => f.AccountName ?? f.Path ?? "", StringComparer.OrdinalIgnoreCase)
            .ThenBy(f => f.AccountId ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Kind)
            .ThenBy(f => f.Generation ?? 0)
            .ToList();
}

public sealed record FindingInfo(FindingKind Kind, FindingSeverity Severity, string Title, string Explanation, RepairAction Action);

/// <summary>What every finding means for a person and what fixes it.</summary>
public static class FindingCatalog
{
    private static readonly Dictionary<FindingKind, FindingInfo> Infos = new FindingInfo[]
    {
        new(FindingKind.NotLinked, FindingSeverity.Warning, "Not linked",
            "This account has no session yet: no phone was ever linked to it.", RepairAction.ScanQr),
        new(FindingKind.LoggedOut, FindingSeverity.Warning, "Logged out",
            "The session was logged out (from the phone, or from here). Its login cannot be reused; the phone must link again.", RepairAction.ScanQr),
        new(FindingKind.LinkExpired, FindingSeverity.Warning, "Link not finished",
            "The QR code or pairing code ran out before the phone linked. Nothing is wrong with storage; a person asks for a new code.", RepairAction.ScanQr),
        new(FindingKind.SessionMissing, FindingSeverity.Warning, "No session left",
            "The account's session folder is gone (it was cleared or moved to the quarantine). Linking again needs the phone.", RepairAction.ScanQr),
        new(FindingKind.LoginMissing, FindingSeverity.Critical, "Login missing",
            "The dashboard believes this account is linked, but its session folder holds no login. Starting it would fail or ask for a QR code.", RepairAction.ClearSession),
        new(FindingKind.EngineReportedCorrupt, FindingSeverity.Critical, "Engine reported a corrupt session",
            "The engine refused this session (for example Bad MAC errors or a bad session). The files look readable, but the session cannot be used.", RepairAction.ClearSession),
        new(FindingKind.NotConnected, FindingSeverity.Warning, "Valid session, not connected",
            "The saved session is valid, so the account can reconnect without a QR code.", RepairAction.Reconnect),
        new(FindingKind.CredsMissing, FindingSeverity.Critical, "creds.json missing",
            "The folder holds key files but no creds.json, the file with the login itself. An engine would try to log in with what is left, or fail.", RepairAction.ClearSession),
        new(FindingKind.CredsEmpty, FindingSeverity.Critical, "creds.json empty",
            "creds.json is empty, as after a crash or a full disk during a write. The login is lost.", RepairAction.ClearSession),
        new(FindingKind.CredsUnreadable, FindingSeverity.Critical, "creds.json unreadable",
            "creds.json is cut off or is not valid JSON, as after a crash in the middle of a write. The engine cannot log in with it.", RepairAction.ClearSession),
        new(FindingKind.CredsIncomplete, FindingSeverity.Critical, "creds.json incomplete",
            "creds.json is readable but lacks keys a login needs. The engine cannot log in with it.", RepairAction.ClearSession),
        new(FindingKind.RequiredFileMissing, FindingSeverity.Warning, "Required files missing",
            "Files configured as required for this session format are not in the folder. The login itself is judged by its own check, not by this list.", RepairAction.None),
        new(FindingKind.DatabaseCorrupt, FindingSeverity.Critical, "Session database corrupt",
            "The session's SQLite database fails its integrity check or is not a database at all. The engine cannot log in with it.", RepairAction.ClearSession),
        new(FindingKind.DatabaseUnreadable, FindingSeverity.Warning, "Session database could not be checked",
            "The session's SQLite database could not be opened for checking (it may be busy). It was not changed, and it is not counted as broken: check again later.", RepairAction.None),
        new(FindingKind.LoginProofFailed, FindingSeverity.Critical, "Login keys do not verify",
            "The login carries its own proofs (signatures made when it was created and linked). They do not verify, so its keys were damaged: WhatsApp would refuse them.", RepairAction.ClearSession),
        new(FindingKind.LoginUnchecked, FindingSeverity.Warning, "Login could not be checked",
            "The dashboard could not check this login, so it does not know whether it works. Nothing was changed and nothing is thrown away: check again later, or look at the folder.", RepairAction.None),
        new(FindingKind.Oversized, FindingSeverity.Warning, "Session folder too large",
            "The folder is larger than the configured limit. Large sessions start slowly and fill the disk.", RepairAction.TrimCaches),
        new(FindingKind.TooManyFiles, FindingSeverity.Warning, "Too many files",
            "The folder holds more files than the configured limit. Many files slow down every start and backup.", RepairAction.TrimCaches),
        new(FindingKind.KeyFilesGrowing, FindingSeverity.Warning, "Key files growing",
            "One type of key file keeps growing. It is not dangerous by itself, but it never shrinks. A fresh link would start small again, but it costs the login: that is for a person to decide.", RepairAction.None),
        new(FindingKind.StaleLock, FindingSeverity.Warning, "Stale browser lock",
            "A Chromium lock file was left behind by a browser that no longer runs. It makes the next start fail with \"profile in use\".", RepairAction.RemoveStaleLock),
        new(FindingKind.ProfileLocked, FindingSeverity.Warning, "Browser profile held by a browser",
            "A Chromium lock names a browser that runs (or may run) on this profile. The lock is not removed: two browsers on one profile damage it. Stop that browser, then check again.", RepairAction.None),
        new(FindingKind.TrimmableCaches, FindingSeverity.Info, "Caches can be trimmed",
            "Browser caches take space and can be removed without losing the login.", RepairAction.TrimCaches),
        new(FindingKind.TempFiles, FindingSeverity.Info, "Leftover temp files",
            "Temp files from interrupted writes are lying around. They are not part of the login.", RepairAction.RemoveTempFiles),
        new(FindingKind.UnrecognizedContents, FindingSeverity.Warning, "Unrecognized contents",
            "The folder holds files in no session format the dashboard knows (Baileys, Chromium profile, whatsmeow SQLite). Check it by hand.", RepairAction.None),
        new(FindingKind.SupersededGeneration, FindingSeverity.Info, "Old session generation",
            "An older session of this account, left from before it was relinked. No engine uses it any more.", RepairAction.QuarantineGeneration),
        new(FindingKind.OrphanFolder, FindingSeverity.Info, "Folder without an account",
            "A folder in the sessions root that belongs to no account (its account was removed, or it was copied in by hand).", RepairAction.QuarantineFolder),
    }.ToDictionary(i => i.Kind);

    public static FindingInfo Get(FindingKind kind) => Infos[kind];

    public static IReadOnlyCollection<FindingInfo> All => Infos.Values;

    /// <summary>The label of an action's button.</summary>
    public static string ActionLabel(RepairAction action) => action switch
    {
        RepairAction.ClearSession => "Clear session and relink",
        RepairAction.Reconnect => "Reconnect",
        RepairAction.ScanQr => "Scan a QR code",
        RepairAction.TrimCaches => "Trim caches",
        RepairAction.RemoveStaleLock => "Remove stale lock",
        RepairAction.RemoveTempFiles => "Remove temp files",
        RepairAction.QuarantineGeneration => "Move to quarantine",
        RepairAction.QuarantineFolder => "Move to quarantine",
        _ => "",
    };

    /// <summary>What the action will do, in one sentence (shown as the recommendation).</summary>
    public static string ActionRecommendation(RepairAction action) => action switch
    {
        RepairAction.ClearSession => "Clear the session and relink: the folder goes to the quarantine (creds.json is backed up) and a fresh QR code appears.",
        RepairAction.Reconnect => "Reconnect with the saved session; no QR code is needed.",
        RepairAction.ScanQr => "Link the phone: show a QR code and scan it.",
        RepairAction.TrimCaches => "Trim the caches; the login stays and the account reconnects without a QR code.",
        RepairAction.RemoveStaleLock => "Remove the stale lock so the next start can open the profile.",
        RepairAction.RemoveTempFiles => "Remove the temp files; the login is not touched.",
        RepairAction.QuarantineGeneration => "Move the old generation to the quarantine; it is deleted after the retention period.",
        RepairAction.QuarantineFolder => "Move the folder to the quarantine; it is deleted after the retention period.",
        _ => "Nothing can be done from here; check it by hand.",
    };

    /// <summary>The data-action name of the button, e.g. "clear-session".</summary>
    public static string ActionName(RepairAction action) => action switch
    {
        RepairAction.ClearSession => "clear-session",
        RepairAction.Reconnect => "reconnect",
        RepairAction.ScanQr => "scan-qr",
        RepairAction.TrimCaches => "trim-caches",
        RepairAction.RemoveStaleLock => "remove-stale-lock",
        RepairAction.RemoveTempFiles => "remove-temp-files",
        RepairAction.QuarantineGeneration => "quarantine-generation",
        RepairAction.QuarantineFolder => "quarantine-folder",
        _ => "none",
    };
}
