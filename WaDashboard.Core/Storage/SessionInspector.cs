using System.Globalization;
using System.IO.Enumeration;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Storage;

/// <summary>What a format inspector adds to an inspection.</summary>
internal sealed class InspectionBuilder(string folder, InspectionContext context, SessionStorageOptions options, IReadOnlyList<FileSystemInfo> topLevel)
{
    public string Folder { get; } = folder;
    public InspectionContext Context { get; } = context;
    public SessionStorageOptions Options { get; } = options;
    public IReadOnlyList<FileSystemInfo> TopLevel { get; } = topLevel;
    public List<SessionFinding> Findings { get; } = [];
    public Dictionary<string, int> KeyFileCounts { get; } = new(StringComparer.Ordinal);
    public List<string> StaleLocks { get; } = [];
    public bool LoginPresent { get; set; }

    /// <summary>What the format's inspector established about the login; unknown until it says.</summary>
    public LoginCheck Login { get; set; } = LoginCheck.NotChecked;

    public void Add(FindingKind kind, string detail, RepairAction? action = null) => Findings.Add(SessionFinding.Of(kind, detail, action));

    /// <summary>A critical finding: the login is proven broken, and the detail is the evidence.</summary>
    public void Broken(FindingKind kind, string detail)
    {
        Add(kind, detail);
        Login = LoginCheck.Broken(detail);
    }

    /// <summary>The login could not be checked: said as such, never counted as broken.</summary>
    public void Unchecked(FindingKind kind, string detail)
    {
        Add(kind, detail, RepairAction.None);
        Login = LoginCheck.Unknown(detail);
    }
}

/// <summary>Checks one session format; <see cref="SessionInspector"/> runs the rules common to all formats.</summary>
internal interface IFormatInspector
{
    SessionFormat Format { get; }

    /// <summary>Whether the folder's top-level entries look like this format.</summary>
    bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel);

    void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required);
}

/// <summary>
/// Inspects session folders: recognises the format (Baileys multi-file, Chromium profile, whatsmeow SQLite), lets the
/// format's inspector check the login, then applies the configured rules — size and file-count limits, required
/// files, temp files, trimmable caches, key-file growth — and derives the verdict from what it found. Read-only.
/// </summary>
public sealed class SessionInspector
{
    private readonly SessionStorageOptions _options;
    private readonly IReadOnlyList<IFormatInspector> _formats;

    public SessionInspector(IOptions<SessionStorageOptions> options)
    {
        _options = options.Value;
        _formats = [new BaileysInspector(), new WhatsmeowSqliteInspector(), new ChromiumProfileInspector()];
    }

    public SessionStorageOptions Options => _options;

    public SessionInspection Inspect(string folder, InspectionContext context)
    {
        var empty = new SessionInspection { Folder = folder, Exists = false, MaxSizeBytes = _options.MaxSizeBytes, MaxFileCount = _options.MaxFileCount };
        var self = new DirectoryInfo(folder);
        if (!self.Exists)
        {
            // A folder that is not there holds no login, but only if its parent can be seen: an unmounted or unreadable
            // volume is "could not check", not "no login".
            var parent = self.Parent;
            return empty with
            {
                Login = parent is not null && parent.Exists
                    ? LoginCheck.Broken(FindingEvidence.Say("Folder.Absent", self.Name, parent.FullName))
                    : LoginCheck.Unknown(FindingEvidence.Say("Folder.Unseen", folder)),
            };
        }

        if (FolderWalker.IsLink(self))
        {
            return empty with
            {
                Exists = true,
                FileCount = 1,
                Findings = [SessionFinding.Of(FindingKind.UnrecognizedContents, FindingEvidence.Say("Folder.Link", self.LinkTarget))],
                Login = LoginCheck.Unknown(FindingEvidence.Say("Folder.LinkLogin", self.LinkTarget)),
            };
        }

        var topLevel = FolderWalker.List(folder);
        var format = _formats.FirstOrDefault(f => f.Recognizes(topLevel))?.Format ?? SessionFormat.Unknown;
        var builder = new InspectionBuilder(folder, context, _options, topLevel);

        // One walk for the totals, the temp files and the caches' share.
        var caches = FindCaches(folder);
        long bytes = 0, tempBytes = 0;
        var files = 0;
        var temps = new List<string>();
        foreach (var entry in FolderWalker.Walk(folder))
        {
            if (entry.IsDirectory)
            {
                continue;
            }

            files++;
            var size = !entry.IsLink && entry.Info is FileInfo file ? LengthOf(file) : 0;
            bytes += size;
            if (IsTempFile(entry.Info.Name) && !caches.Any(c => entry.RelativePath.StartsWith(c + "/", StringComparison.Ordinal))
                && context.Now - entry.Info.LastWriteTimeUtc >= _options.TempFileMinAge)
            {
                temps.Add(entry.RelativePath);
                tempBytes += size;
            }
        }

        var trimmableBytes = caches.Sum(c => FolderWalker.Measure(Path.Combine(folder, c)).Bytes);
        var required = format == SessionFormat.Unknown ? []
            : CheckRequired(folder, _options.RequiredFiles.For(format), format == SessionFormat.ChromiumProfile ? ChromiumProfileInspector.LoginRoot(folder, _options) : "");

        if (format == SessionFormat.Unknown)
        {
            if (files > 0)
            {
                builder.Add(FindingKind.UnrecognizedContents, FindingEvidence.Say("Folder.Unrecognized", CountFiles(files), FormatSize(bytes)));
                builder.Login = LoginCheck.Unknown(FindingEvidence.Say("Folder.UnrecognizedLogin", CountFiles(files)));
            }
            else
            {
                builder.Login = LoginCheck.Broken(FindingEvidence.Say("Folder.Empty"));
            }
        }
        else
        {
            _formats.First(f => f.Format == format).Inspect(builder, required);
        }

        var missing = required.Where(r => !r.Present).Select(r => r.Pattern).ToList();
        if (missing.Count > 0 && builder.LoginPresent && !builder.Findings.Any(f => f.Kind is FindingKind.CredsMissing))
        {
            builder.Add(FindingKind.RequiredFileMissing, FindingEvidence.Say($"Required.{format switch { SessionFormat.Baileys => "Baileys", SessionFormat.ChromiumProfile => "Chromium", _ => "Whatsmeow" }}", string.Join(", ", missing)));
        }

        var growth = Growth(builder.KeyFileCounts, context);
        AddGrowthFindings(builder, growth);
        AddLimitFindings(builder, bytes, files, trimmableBytes);

        if (trimmableBytes > 0 && trimmableBytes >= _options.TrimSuggestionMB * SessionStorageOptions.BytesPerMegabyte
            && !builder.Findings.Any(f => f.Kind is FindingKind.Oversized or FindingKind.TooManyFiles && f.Action == RepairAction.TrimCaches))
        {
            builder.Add(FindingKind.TrimmableCaches, FindingEvidence.Say("Caches", FormatSize(trimmableBytes), string.Join(", ", caches)));
        }

        if (temps.Count > 0)
        {
            builder.Add(FindingKind.TempFiles, FindingEvidence.Say("TempFiles", temps.Count, FormatSize(tempBytes), _options.TempFileMinAge.TotalMinutes.ToString("0", CultureInfo.InvariantCulture),
                string.Join(", ", temps.Take(5)) + (temps.Count > 5 ? ", …" : "")));
        }

        return new SessionInspection
        {
            Folder = folder,
            Exists = true,
            Format = format,
            SizeBytes = bytes,
            FileCount = files,
            MaxSizeBytes = _options.MaxSizeBytes,
            MaxFileCount = _options.MaxFileCount,
            RequiredFiles = required,
            KeyFileCounts = builder.KeyFileCounts,
            KeyFileGrowthPerDay = growth,
            LoginPresent = builder.LoginPresent,
            Login = builder.Login,
            TrimmableCaches = caches,
            TrimmableBytes = trimmableBytes,
            StaleLocks = builder.StaleLocks,
            TempFiles = temps,
            TempBytes = tempBytes,
            Findings = SessionFinding.Sort(builder.Findings),
        };
    }

    /// <summary>
    /// The configured cache folders present in the session folder or its Default/ profile — or, in whatsapp-web.js's
    /// LocalAuth layout, in its session[-clientId]/ profile and that profile's Default/ (relative paths).
    /// </summary>
    public IReadOnlyList<string> FindCaches(string folder)
    {
        var found = new List<string>();
        var roots = ChromiumProfileInspector.ProfileRoots(folder);
        foreach (var cache in _options.ResolveTrimmableCaches())
        {
            foreach (var relative in roots.SelectMany(root => new[] { root + cache, root + "Default/" + cache }))
            {
                if (SessionPaths.TryRelative(folder, relative, out var path) && Directory.Exists(path) && !AnyLinkOnTheWay(folder, relative))
                {
                    found.Add(relative);
                }
            }
        }

        // A cache inside another cache is counted once, with its parent.
        return found.Where(c => !found.Any(other => other != c && c.StartsWith(other + "/", StringComparison.Ordinal))).ToList();
    }

    /// <summary>
    /// Temp files of interrupted writes: *.tmp, *.temp, .tmp*, *~, and Chromium's own, named ".org.chromium.Chromium.XXXXXX"
    /// (base/files/file_util_posix.cc, TempFileName(): ImportantFileWriter writes each file beside it under that name).
    /// </summary>
    public static bool IsTempFile(string name) =>
        name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".temp", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith('~')
        || name.StartsWith(ChromiumTempPrefix, StringComparison.Ordinal);

    public const string ChromiumTempPrefix = ".org.chromium.Chromium.";

    public static string CountFiles(int count) => FindingEvidence.Files(count);

    /// <summary>A size for people: bytes, KB or MB (1 MB = 1,048,576 bytes, as the limits are counted).</summary>
    public static string FormatSize(long bytes) =>
        bytes < 1024 ? FindingEvidence.Say("Size.Bytes", bytes)
        : bytes < SessionStorageOptions.BytesPerMegabyte ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)SessionStorageOptions.BytesPerMegabyte:0.0} MB");

    private void AddLimitFindings(InspectionBuilder builder, long bytes, int files, long trimmableBytes)
    {
        var max = _options.MaxSizeBytes;
        if (bytes > max)
        {
            var trimmingIsEnough = trimmableBytes > 0 && bytes - trimmableBytes <= max;
            var (code, cachesArg) = trimmableBytes == 0 ? ("Oversized", "")
                : trimmingIsEnough ? ("Oversized.TrimEnough", FormatSize(trimmableBytes)) : ("Oversized.TrimNotEnough", FormatSize(trimmableBytes));
            builder.Add(FindingKind.Oversized,
                FindingEvidence.Say(code, FormatSize(bytes), FindingEvidence.Number(bytes), _options.MaxSizeMB, FindingEvidence.Number(max), cachesArg),
                trimmingIsEnough ? RepairAction.TrimCaches : RepairAction.None);
        }

        if (files > _options.MaxFileCount)
        {
            builder.Add(FindingKind.TooManyFiles,
                FindingEvidence.Say("TooManyFiles", FindingEvidence.Number(files), FindingEvidence.Number(_options.MaxFileCount)),
                trimmableBytes > 0 ? RepairAction.TrimCaches : RepairAction.None);
        }
    }

    private void AddGrowthFindings(InspectionBuilder builder, IReadOnlyDictionary<string, double> growth)
    {
        // One finding per kind of key file: each is one sentence the console can say in the person's language.
        foreach (var (type, count) in builder.KeyFileCounts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (count > _options.MaxKeyFilesPerType)
            {
                builder.Add(FindingKind.KeyFilesGrowing,
                    FindingEvidence.Say("KeyFiles.Over", FindingEvidence.Number(count), type, FindingEvidence.Number(_options.MaxKeyFilesPerType)));
            }
            else if (growth.TryGetValue(type, out var perDay) && perDay > _options.MaxKeyFileGrowthPerDay)
            {
                builder.Add(FindingKind.KeyFilesGrowing,
                    FindingEvidence.Say("KeyFiles.Grows", type, perDay.ToString("N0", CultureInfo.InvariantCulture), FindingEvidence.Number(_options.MaxKeyFileGrowthPerDay)));
            }
        }
    }

    private static IReadOnlyDictionary<string, double> Growth(IReadOnlyDictionary<string, int> counts, InspectionContext context)
    {
        var growth = new Dictionary<string, double>(StringComparer.Ordinal);
        if (context.Baseline is not { } baseline || context.Now - baseline.At < TimeSpan.FromHours(1))
        {
            return growth;
        }

        var days = (context.Now - baseline.At).TotalDays;
        foreach (var (type, count) in counts)
        {
            growth[type] = Math.Round((count - baseline.Counts.GetValueOrDefault(type)) / days, 1);
        }

        return growth;
    }

    /// <summary>Each pattern, relative to <paramref name="root"/> (a sub-folder such as "session-x/", or "" for the folder itself).</summary>
    private static List<RequiredFileCheck> CheckRequired(string folder, IReadOnlyList<string> patterns, string root) =>
        patterns.Select(pattern => new RequiredFileCheck(root + pattern, Matches(folder, root + pattern))).ToList();

    /// <summary>Whether an entry matching the relative pattern ('*' and '|' only in the last part) exists, without following links.</summary>
    internal static bool Matches(string folder, string pattern)
    {
        var parts = pattern.Split('/');
        var parentRelative = string.Join('/', parts[..^1]);
        var parent = folder;
        if (parentRelative.Length > 0)
        {
            if (!SessionPaths.TryRelative(folder, parentRelative, out var resolved) || AnyLinkOnTheWay(folder, parentRelative))
            {
                return false;
            }

            parent = resolved;
        }

        return FolderWalker.List(parent).Any(e => MatchesName(parts[^1], e.Name));
    }

    /// <summary>Whether a name matches the last part of a pattern: '*' wildcards, '|' between alternatives ("*.db|*.sqlite").</summary>
    internal static bool MatchesName(string lastPart, string name) =>
        lastPart.Split('|').Any(alternative => FileSystemName.MatchesSimpleExpression(alternative, name, ignoreCase: false));

    private static bool AnyLinkOnTheWay(string folder, string relative)
    {
        var current = folder;
        foreach (var part in relative.Split('/'))
        {
            current = Path.Combine(current, part);
            if (FolderWalker.IsLink(new DirectoryInfo(current)))
            {
                return true;
            }
        }

        return false;
    }

    private static long LengthOf(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
