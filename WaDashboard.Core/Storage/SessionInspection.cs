namespace WaDashboard.Core.Storage;

/// <summary>The on-disk formats of the engines' sessions.</summary>
public enum SessionFormat
{
    /// <summary>Nothing recognisable (or nothing at all).</summary>
    Unknown,
    /// <summary>Baileys useMultiFileAuthState: creds.json plus one JSON file per key.</summary>
    Baileys,
    /// <summary>A Chromium user-data folder, as whatsapp-web.js LocalAuth keeps it.</summary>
    ChromiumProfile,
    /// <summary>whatsmeow's SQLite store.</summary>
    WhatsmeowSqlite,
}

/// <summary>The overall judgement of a session folder; always derived from the inspection's own findings and numbers.</summary>
public enum SessionVerdict
{
    /// <summary>No folder, or an empty one.</summary>
    Missing,
    /// <summary>At least one critical finding: the login is proven broken (the evidence is in the findings).</summary>
    Corrupt,
    /// <summary>Read to the end, it holds no linked login (e.g. a link that never finished).</summary>
    NoLogin,
    /// <summary>Whether it holds a working login could not be checked (busy, being written, unknown contents): never counted as broken.</summary>
    Unchecked,
    /// <summary>The login is usable; something should be tidied (size, caches, locks, growth).</summary>
    NeedsAttention,
    Valid,
}

/// <summary>What the inspection should know about the folder's situation.</summary>
/// <param name="InUse">An engine is (or may be) using the folder right now, so browser locks are expected.</param>
/// <param name="Deep">Full SQLite integrity check instead of the quick one.</param>
/// <param name="Baseline">An earlier count of key files, to measure growth.</param>
public sealed record InspectionContext(bool InUse, DateTimeOffset Now, bool Deep = true, KeyFileBaseline? Baseline = null);

/// <summary>Key files per type at an earlier time.</summary>
public sealed record KeyFileBaseline(DateTimeOffset At, IReadOnlyDictionary<string, int> Counts);

public sealed record RequiredFileCheck(string Pattern, bool Present);

/// <summary>
/// One session folder as an inspector saw it: whether it exists, its size against the limit, its file count, its
/// required files, key files per type and their growth, what can be trimmed, and the findings with the verdict.
/// </summary>
public sealed record SessionInspection
{
    public required string Folder { get; init; }
    public required bool Exists { get; init; }
    public SessionFormat Format { get; init; }
    public long SizeBytes { get; init; }
    public int FileCount { get; init; }
    public required long MaxSizeBytes { get; init; }
    public required int MaxFileCount { get; init; }
    public IReadOnlyList<RequiredFileCheck> RequiredFiles { get; init; } = [];

    /// <summary>Key files (or key rows, for SQLite) per type, e.g. "pre-key" → 30.</summary>
    public IReadOnlyDictionary<string, int> KeyFileCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Key files added per day since the baseline, per type; empty without a baseline.</summary>
    public IReadOnlyDictionary<string, double> KeyFileGrowthPerDay { get; init; } = new Dictionary<string, double>();

    /// <summary>Whether the folder holds a linked login (creds registered, a device row, the browser's login store).</summary>
    public bool LoginPresent { get; init; }

    /// <summary>
    /// Whether the login was proven good, proven broken, or could not be checked, with the evidence. The inspector always
    /// says; an inspection made without it (a folder never looked at) derives it from what it holds.
    /// </summary>
    public LoginCheck Login
    {
        get => _login ?? Derived();
        init => _login = value;
    }

    private readonly LoginCheck? _login;

    private LoginCheck Derived() =>
        !Exists || FileCount == 0 ? LoginCheck.Broken("No login: there is no session folder (or it is empty).")
        : Problems.Any() ? LoginCheck.Broken(Problems.Select(p => $"{p.Title}: {p.Detail}").ToArray())
        : LoginPresent ? LoginCheck.Unknown("A login is present; its proofs were not checked.")
        : LoginCheck.Broken("No login in the folder.");

    /// <summary>Cache folders (relative paths) that can go without losing the login, and their total size.</summary>
    public IReadOnlyList<string> TrimmableCaches { get; init; } = [];
    public long TrimmableBytes { get; init; }

    /// <summary>Browser lock entries (relative paths) left by a process that no longer runs.</summary>
    public IReadOnlyList<string> StaleLocks { get; init; } = [];

    /// <summary>Temp files (relative paths) old enough to be leftovers, and their total size.</summary>
    public IReadOnlyList<string> TempFiles { get; init; } = [];
    public long TempBytes { get; init; }

    public IReadOnlyList<SessionFinding> Findings { get; init; } = [];

    public double SizeMB => Math.Round(SizeBytes / (double)SessionStorageOptions.BytesPerMegabyte, 3);

    public double MaxSizeMB => Math.Round(MaxSizeBytes / (double)SessionStorageOptions.BytesPerMegabyte, 2);

    public bool OverSizeLimit => SizeBytes > MaxSizeBytes;

    public bool OverFileLimit => FileCount > MaxFileCount;

    public SessionVerdict Verdict =>
        (!Exists || FileCount == 0) && Login.Result == LoginCheckResult.Unknown ? SessionVerdict.Unchecked
        : !Exists || FileCount == 0 ? SessionVerdict.Missing
        : Findings.Any(f => f.Severity == FindingSeverity.Critical) ? SessionVerdict.Corrupt
        : !LoginPresent ? Login.Result == LoginCheckResult.Unknown ? SessionVerdict.Unchecked : SessionVerdict.NoLogin
        : Findings.Any(f => f.Severity == FindingSeverity.Warning) ? SessionVerdict.NeedsAttention
        : SessionVerdict.Valid;

    /// <summary>The login can be used as it is (possibly after tidying).</summary>
    public bool IsValid => Verdict is SessionVerdict.Valid or SessionVerdict.NeedsAttention;

    /// <summary>Critical findings: what makes the session unusable.</summary>
    public IEnumerable<SessionFinding> Problems => Findings.Where(f => f.Severity == FindingSeverity.Critical);
}
