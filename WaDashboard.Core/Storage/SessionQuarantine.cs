using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Storage;

/// <summary>What was quarantined, from where, why and until when. Written before the move, beside the payload.</summary>
public sealed record QuarantineRecord(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("account_id")] string? AccountId,
    [property: JsonPropertyName("generation")] int? Generation,
    [property: JsonPropertyName("original_paths")] IReadOnlyList<string> OriginalPaths,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("quarantined_at")] DateTimeOffset QuarantinedAt,
    [property: JsonPropertyName("purge_after")] DateTimeOffset PurgeAfter,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("files")] int Files);

/// <summary>One entry of the quarantine: its record (when readable), whether its payload arrived, and its size.</summary>
public sealed record QuarantineEntry(string Name, string Path, QuarantineRecord? Record, bool HasPayload, DateTimeOffset PurgeAfter, long Bytes);

/// <summary>What a move into the quarantine did.</summary>
public sealed record QuarantineResult(string EntryName, long Bytes, int Files, int Moved, bool Deleted);

/// <summary>
/// Crash-safe removal. Everything the dashboard removes is first renamed into {sessions root}/.quarantine/, which is on
/// the same volume, so the rename is atomic: a folder is either still in place, whole, or in the quarantine, whole.
/// Each entry is a folder "{ticks}-{kind}-{id}" holding record.json (written first) and payload (the moved folder or
/// files). Entries are deleted after the retention period; entries meant to go at once (caches, temp files) are
/// deleted right after the move. A deletion renames the entry to ".purging-…" first, so an interrupted one is
/// finished by the next purge and never looks like a live entry.
/// </summary>
public sealed class SessionQuarantine
{
    public const string RecordFile = "record.json";
    public const string PayloadName = "payload";
    public const string PurgingPrefix = ".purging-";

    /// <summary>An entry without its payload (the move never happened) is removed after this, once no move can still be under way.</summary>
    private static readonly TimeSpan IncompleteGrace = TimeSpan.FromMinutes(1);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly SessionFolders _folders;
    private readonly SessionStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionQuarantine> _logger;
    private readonly object _lock = new();

    public SessionQuarantine(SessionFolders folders, IOptions<SessionStorageOptions> options, TimeProvider time, ILogger<SessionQuarantine> logger)
    {
        _folders = folders;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public string Folder => _folders.QuarantineRoot;

    /// <summary>
    /// Moves <paramref name="sources"/> (folders, files or links inside the sessions root) into one new entry. With
    /// <paramref name="deleteNow"/> the entry is deleted right away (caches, temp files); otherwise it stays for the
    /// retention period. Sources that vanished meanwhile are skipped.
    /// </summary>
    public QuarantineResult Move(IReadOnlyList<string> sources, string kind, string reason, string? accountId = null, int? generation = null, bool deleteNow = false)
    {
        var root = _folders.Root;
        foreach (var source in sources)
        {
            if (!SessionPaths.IsInside(root, source) || _folders.IsReservedPath(source))
            {
                throw new UnauthorizedAccessException($"'{source}' is not a session folder entry; only entries inside {root} can be quarantined.");
            }
        }

        var present = sources.Where(FolderWalker.EntryExists).ToList();
        if (present.Count == 0)
        {
            return new QuarantineResult("", 0, 0, 0, false);
        }

        var stats = present.Select(FolderWalker.Measure).ToList();
        var now = _time.GetUtcNow();
        var name = $"{now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}-{Sanitize(kind)}-{Guid.NewGuid().ToString("N")[..12]}";
        var entry = Path.Combine(Folder, name);
        var record = new QuarantineRecord(kind, accountId, generation, present.Select(p => SessionPaths.Relative(root, p)).ToList(), reason, now,
            deleteNow ? now : now + _options.QuarantineRetention, stats.Sum(s => s.Bytes), stats.Sum(s => s.Files));

        Directory.CreateDirectory(entry);
        WriteRecord(entry, record);
        var moved = 0;
        if (present.Count == 1)
        {
            MoveEntry(present[0], Path.Combine(entry, PayloadName));
            moved = 1;
        }
        else
        {
            var payload = Path.Combine(entry, PayloadName);
            Directory.CreateDirectory(payload);
            foreach (var source in present)
            {
                MoveEntry(source, Path.Combine(payload, $"{moved:D6}-{Path.GetFileName(source)}"));
                moved++;
            }
        }

        _logger.LogInformation("Quarantined {Kind} {Paths} ({Bytes} bytes) as {Entry}: {Reason}", kind, string.Join(", ", record.OriginalPaths), record.Bytes, name, reason);
        var deleted = deleteNow && Delete(entry);
        return new QuarantineResult(name, record.Bytes, record.Files, moved, deleted);
    }

    /// <summary>
    /// Moves the entry named exactly <paramref name="name"/> directly in the sessions root (a folder without an account)
    /// into the quarantine. The name may come from a request: it only ever matches an entry that is really there, never
    /// the dashboard's own entries, and never an account's folder (<paramref name="accountNameOf"/> says whose it is).
    /// </summary>
    public (bool Done, string Message) MoveRootEntry(string? name, Func<string, string?> accountNameOf, string reason)
    {
        if (!SessionPaths.TryExistingChild(_folders.Root, name, out var path))
        {
            return (false, RepairAnswers.Say("Root.NotThere", name));
        }

        if (SessionFolders.IsReservedName(name!))
        {
            return (false, RepairAnswers.Say("Root.Own", name));
        }

        if (accountNameOf(name!) is { } owner)
        {
            return (false, RepairAnswers.Say("Root.Owned", name, owner));
        }

        var moved = Move([path], "orphan", reason);
        return (true, RepairAnswers.Say("Root.Moved", name, SessionInspector.FormatSize(moved.Bytes), moved.EntryName));
    }

    /// <summary>Every entry, oldest first.</summary>
    public IReadOnlyList<QuarantineEntry> List()
    {
        var entries = new List<QuarantineEntry>();
        foreach (var info in FolderWalker.List(Folder))
        {
            if (info is not DirectoryInfo || FolderWalker.IsLink(info) || info.Name.StartsWith(PurgingPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var record = ReadRecord(info.FullName);
            var hasPayload = FolderWalker.EntryExists(Path.Combine(info.FullName, PayloadName));
            var purgeAfter = record?.PurgeAfter ?? (TicksOf(info.Name) is { } at ? at + _options.QuarantineRetention : new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero) + _options.QuarantineRetention);
            entries.Add(new QuarantineEntry(info.Name, info.FullName, record, hasPayload, purgeAfter, record?.Bytes ?? 0));
        }

        return entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Entries whose retention is over (or that never received their payload), and leftovers of interrupted deletions.</summary>
    public IReadOnlyList<QuarantineEntry> Expired()
    {
        var now = _time.GetUtcNow();
        return List().Where(e => e.PurgeAfter <= now || (!e.HasPayload && (e.Record?.QuarantinedAt ?? e.PurgeAfter - _options.QuarantineRetention) + IncompleteGrace <= now)).ToList();
    }

    /// <summary>Deletes one entry (by name, as listed). Returns the bytes it held.</summary>
    public long Purge(QuarantineEntry entry)
    {
        if (!SessionPaths.TryChild(Folder, entry.Name, out var path, out _) || !Directory.Exists(path))
        {
            return 0;
        }

        var bytes = entry.Record?.Bytes ?? FolderWalker.Measure(path).Bytes;
        return Delete(path) ? bytes : 0;
    }

    /// <summary>Deletes every expired entry and finishes interrupted deletions; returns (entries, bytes).</summary>
    public (int Entries, long Bytes) PurgeExpired()
    {
        var count = 0;
        long bytes = 0;
        foreach (var entry in Expired())
        {
            var freed = Purge(entry);
            if (freed > 0 || !Directory.Exists(entry.Path))
            {
                count++;
                bytes += freed;
            }
        }

        foreach (var leftover in FolderWalker.List(Folder).Where(e => e.Name.StartsWith(PurgingPrefix, StringComparison.Ordinal)))
        {
            DeleteTree(leftover.FullName);
        }

        return (count, bytes);
    }

    private bool Delete(string entry)
    {
        string purging;
        lock (_lock)
        {
            purging = Path.Combine(Folder, PurgingPrefix + Path.GetFileName(entry));
            try
            {
                Directory.Move(entry, purging);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(ex, "Could not start deleting quarantine entry {Entry}", Path.GetFileName(entry));
                return false;
            }
        }

        return DeleteTree(purging);
    }

    private bool DeleteTree(string path)
    {
        try
        {
            // Directory.Delete removes links themselves and never what they point to.
            Directory.Delete(path, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "Could not finish deleting {Path}; the next purge tries again", path);
            return false;
        }
    }

    private static void MoveEntry(string source, string target)
    {
        // Both are a rename(2) of the entry itself: a link is moved as a link, never what it points at.
        if (Directory.Exists(source))
        {
            Directory.Move(source, target);
        }
        else
        {
            // With overwrite, a file move is a plain rename (atomic); the target is always a fresh name anyway.
            File.Move(source, target, overwrite: true);
        }
    }

    private static void WriteRecord(string entry, QuarantineRecord record)
    {
        var temp = Path.Combine(entry, RecordFile + ".tmp");
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, Path.Combine(entry, RecordFile), overwrite: true);
    }

    private static QuarantineRecord? ReadRecord(string entry)
    {
        try
        {
            return JsonSerializer.Deserialize<QuarantineRecord>(File.ReadAllText(Path.Combine(entry, RecordFile)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private static DateTimeOffset? TicksOf(string name) =>
        name.Length >= 19 && long.TryParse(name.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
        && ticks > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;

    private static string Sanitize(string kind) =>
        new(kind.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(32).ToArray());
}
