using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Storage;

/// <summary>
/// Bound from the "SessionStorage" section: the validation rules every session folder is checked against, and how
/// cleanup keeps what it removes (quarantine retention, creds.json backups).
/// </summary>
public sealed class SessionStorageOptions : IValidatableObject
{
    public const string Section = "SessionStorage";
    public const long BytesPerMegabyte = 1024 * 1024;

    /// <summary>A session folder larger than this is reported (note 001 caps sessions at 200 MB).</summary>
    [Range(1, 1_000_000, ErrorMessage = "SessionStorage:MaxSizeMB must be between 1 and 1000000.")]
    public int MaxSizeMB { get; set; } = 200;

    /// <summary>A session folder with more files than this is reported.</summary>
    [Range(1, 100_000_000, ErrorMessage = "SessionStorage:MaxFileCount must be between 1 and 100000000.")]
    public int MaxFileCount { get; set; } = 10_000;

    /// <summary>More key files (or key rows) of one type than this is reported as unbounded growth.</summary>
    [Range(1, 100_000_000, ErrorMessage = "SessionStorage:MaxKeyFilesPerType must be between 1 and 100000000.")]
    public int MaxKeyFilesPerType { get; set; } = 5_000;

    /// <summary>A key type growing faster than this many files a day (between two snapshots) is reported.</summary>
    [Range(1, 100_000_000, ErrorMessage = "SessionStorage:MaxKeyFileGrowthPerDay must be between 1 and 100000000.")]
    public int MaxKeyFileGrowthPerDay { get; set; } = 1_000;

    /// <summary>Caches at least this large are suggested for trimming on the Diagnostics page.</summary>
    [Range(0, 1_000_000, ErrorMessage = "SessionStorage:TrimSuggestionMB must be between 0 and 1000000.")]
    public int TrimSuggestionMB { get; set; } = 10;

    /// <summary>Files that must be present, per session format (paths relative to the session folder, or to a whatsapp-web.js
    /// session[-clientId]/ profile in it; '*' and '|' between alternatives allowed in the last part).</summary>
    public RequiredFilesOptions RequiredFiles { get; set; } = new();

    /// <summary>Cache folders that can be removed without losing the login, relative to the session folder or its Default/ profile.</summary>
    public string[]? TrimmableCaches { get; set; }

    /// <summary>Folders moved into the quarantine are deleted after this long (until then they can be recovered by hand).</summary>
    public TimeSpan QuarantineRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Temp files younger than this are left alone: an engine may be writing them.</summary>
    public TimeSpan TempFileMinAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>creds.json backups kept per account (the oldest are deleted).</summary>
    [Range(1, 1000, ErrorMessage = "SessionStorage:BackupsKept must be between 1 and 1000.")]
    public int BackupsKept { get; set; } = 10;

    /// <summary>How often expired quarantine entries are deleted and a size/key-count snapshot of every session is taken.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Snapshots (for key-file growth) older than this are deleted.</summary>
    public TimeSpan SnapshotRetention { get; set; } = TimeSpan.FromDays(8);

    public long MaxSizeBytes => MaxSizeMB * BytesPerMegabyte;

    public static readonly string[] DefaultTrimmableCaches =
    [
        "Cache", "Code Cache", "GPUCache", "Service Worker/CacheStorage", "Service Worker/ScriptCache",
        "DawnCache", "DawnGraphiteCache", "DawnWebGPUCache", "GrShaderCache", "GraphiteDawnCache", "ShaderCache", "GPUPersistentCache",
    ];

    public IReadOnlyList<string> ResolveTrimmableCaches() => TrimmableCaches is { Length: > 0 } configured ? configured : DefaultTrimmableCaches;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (QuarantineRetention < TimeSpan.Zero)
        {
            yield return new ValidationResult("SessionStorage:QuarantineRetention cannot be negative (0 deletes at the next maintenance pass).", [nameof(QuarantineRetention)]);
        }

        if (TempFileMinAge < TimeSpan.Zero)
        {
            yield return new ValidationResult("SessionStorage:TempFileMinAge cannot be negative.", [nameof(TempFileMinAge)]);
        }

        if (MaintenanceInterval <= TimeSpan.Zero || SnapshotRetention <= TimeSpan.Zero)
        {
            yield return new ValidationResult("SessionStorage:MaintenanceInterval and SnapshotRetention must be positive.", [nameof(MaintenanceInterval)]);
        }

        foreach (var (format, patterns) in RequiredFiles.Configured())
        {
            foreach (var pattern in patterns)
            {
                if (!SessionPaths.IsSafeRelativePattern(pattern, out var error))
                {
                    yield return new ValidationResult($"SessionStorage:RequiredFiles:{format} has '{pattern}': {error}", [nameof(RequiredFiles)]);
                }
            }
        }

        foreach (var cache in TrimmableCaches ?? [])
        {
            if (!SessionPaths.IsSafeRelativePattern(cache, out var error) || cache.Contains('*', StringComparison.Ordinal))
            {
                yield return new ValidationResult($"SessionStorage:TrimmableCaches has '{cache}': {error ?? "wildcards are not allowed here"}", [nameof(TrimmableCaches)]);
            }
        }
    }
}

/// <summary>Required files per session format. Empty means the built-in default shown in appsettings.json.</summary>
public sealed class RequiredFilesOptions
{
    public static readonly string[] DefaultBaileys = ["creds.json"];
    public static readonly string[] DefaultChromiumProfile = ["Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb"];
    /// <summary>whatsmeow takes any file name (sqlstore.New("sqlite3", "file:NAME?...")); these are the ones seen in the field.</summary>
    public static readonly string[] DefaultWhatsmeowSqlite = ["*.db|*.sqlite|*.sqlite3"];

    public string[]? Baileys { get; set; }
    public string[]? ChromiumProfile { get; set; }
    public string[]? WhatsmeowSqlite { get; set; }

    public IReadOnlyList<string> For(SessionFormat format) => format switch
    {
        SessionFormat.Baileys => Baileys is { Length: > 0 } b ? b : DefaultBaileys,
        SessionFormat.ChromiumProfile => ChromiumProfile is { Length: > 0 } c ? c : DefaultChromiumProfile,
        SessionFormat.WhatsmeowSqlite => WhatsmeowSqlite is { Length: > 0 } w ? w : DefaultWhatsmeowSqlite,
        _ => [],
    };

    internal IEnumerable<(string Format, string[] Patterns)> Configured()
    {
        if (Baileys is not null)
        {
            yield return (nameof(Baileys), Baileys);
        }

        if (ChromiumProfile is not null)
        {
            yield return (nameof(ChromiumProfile), ChromiumProfile);
        }

        if (WhatsmeowSqlite is not null)
        {
            yield return (nameof(WhatsmeowSqlite), WhatsmeowSqlite);
        }
    }
}
