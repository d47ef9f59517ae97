using System.Globalization;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>The inspectors on real folders: one fixture per problem, with the finding, its severity and its repair.</summary>
public sealed class SessionInspectorTests : IDisposable
{
    private const long Limit = SessionStorageOptions.BytesPerMegabyte; // MaxSizeMB = 1

    private readonly StorageStack _storage = new(new SessionStorageOptions
    {
        MaxSizeMB = 1,
        MaxFileCount = 100,
        MaxKeyFilesPerType = 40,
        MaxKeyFileGrowthPerDay = 10,
        TrimSuggestionMB = 1,
    });

    [Fact]
    public void A_linked_Baileys_folder_is_valid_and_its_numbers_are_the_folders_own()
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch("valid"), preKeys: 5);

        var inspection = _storage.Inspect(folder);

        Assert.True(inspection.Exists);
        Assert.Equal(SessionFormat.Baileys, inspection.Format);
        Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
        Assert.True(inspection.IsValid);
        Assert.True(inspection.LoginPresent);
        Assert.Empty(inspection.Findings);
        var files = Directory.GetFiles(folder);
        Assert.Equal(files.Length, inspection.FileCount);
        Assert.Equal(files.Sum(f => new FileInfo(f).Length), inspection.SizeBytes);
        Assert.Equal(5, inspection.KeyFileCounts["pre-key"]);
        Assert.Equal(1, inspection.KeyFileCounts["session"]);
        Assert.Equal(1, inspection.KeyFileCounts["app-state-sync-key"]);
        Assert.Equal(new RequiredFileCheck("creds.json", true), Assert.Single(inspection.RequiredFiles));
    }

    public static TheoryData<string, FindingKind> CredsDamage() => new()
    {
        { "truncated", FindingKind.CredsUnreadable },
        { "empty", FindingKind.CredsEmpty },
        { "keys stripped", FindingKind.CredsIncomplete },
        { "deleted", FindingKind.CredsMissing },
    };

    [Theory]
    [MemberData(nameof(CredsDamage))]
    public void Damaged_creds_make_the_session_corrupt_and_recommend_clearing_it(string damage, FindingKind expected)
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch(damage.Replace(' ', '-')));
        switch (damage)
        {
            case "truncated":
                SessionFixtures.TruncateCreds(folder);
                break;
            case "empty":
                SessionFixtures.EmptyCreds(folder);
                break;
            case "keys stripped":
                SessionFixtures.StripKeysFromCreds(folder);
                break;
            default:
                File.Delete(Path.Combine(folder, "creds.json"));
                break;
        }

        var inspection = _storage.Inspect(folder);

        var finding = Assert.Single(inspection.Findings);
        Assert.Equal(expected, finding.Kind);
        Assert.Equal(FindingSeverity.Critical, finding.Severity);
        Assert.Equal(RepairAction.ClearSession, finding.Action);
        Assert.Equal(SessionVerdict.Corrupt, inspection.Verdict);
        Assert.False(inspection.IsValid);
        Assert.False(inspection.LoginPresent);
        Assert.False(string.IsNullOrWhiteSpace(finding.Explanation));
        if (expected == FindingKind.CredsIncomplete)
        {
            Assert.Contains("noiseKey", finding.Detail);
            Assert.Contains("signedIdentityKey", finding.Detail);
        }

        if (expected == FindingKind.CredsUnreadable)
        {
            Assert.Contains("cut off", finding.Detail);
        }
    }

    [Fact]
    public void A_folder_over_the_size_limit_is_reported_with_its_exact_numbers_and_never_with_clearing_a_working_login()
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch("oversized"));
        SessionFixtures.Write(Path.Combine(folder, "session-bloat.0.json"), SessionFixtures.RandomBytes((int)Limit));

        var inspection = _storage.Inspect(folder);

        var finding = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.Oversized);
        Assert.True(inspection.SizeBytes > Limit);
        Assert.Contains(inspection.SizeBytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes", finding.Detail);
        Assert.Contains("1 MB limit", finding.Detail);
        Assert.Equal(RepairAction.None, finding.Action);
        Assert.Equal(SessionVerdict.NeedsAttention, inspection.Verdict);
        Assert.True(inspection.IsValid, "an oversized folder still holds a usable login");
    }

    [Fact]
    public void The_size_limit_is_exact_at_the_byte_and_caches_that_bring_it_under_are_the_recommended_fix()
    {
        var atLimit = SessionFixtures.ChromiumProfile(_storage.Scratch("at-limit"));
        Pad(atLimit, Limit);
        Assert.Equal(Limit, _storage.Inspect(atLimit).SizeBytes);
        Assert.DoesNotContain(_storage.Inspect(atLimit).Findings, f => f.Kind == FindingKind.Oversized);

        var overByCaches = SessionFixtures.ChromiumProfile(_storage.Scratch("over-by-caches"), cacheBytes: Limit / 2);
        Pad(overByCaches, Limit + 1);
        var inspection = _storage.Inspect(overByCaches);
        Assert.Equal(Limit + 1, inspection.SizeBytes);
        var oversized = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.Oversized);
        Assert.Equal(RepairAction.TrimCaches, oversized.Action);
        Assert.Contains("trimming them brings it under the limit", oversized.Detail);
    }

    [Fact]
    public void Too_many_files_and_unbounded_key_files_are_reported()
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch("many"), preKeys: 120);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(120, inspection.KeyFileCounts["pre-key"]);
        Assert.Contains(inspection.Findings, f => f.Kind == FindingKind.TooManyFiles && f.Detail.StartsWith($"{inspection.FileCount} files", StringComparison.Ordinal));
        var growth = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.KeyFilesGrowing);
        Assert.Contains("120 pre-key (limit 40)", growth.Detail);
    }

    [Fact]
    public void Key_file_growth_is_measured_against_an_earlier_snapshot()
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch("growing"), preKeys: 30);
        var now = _storage.Time.GetUtcNow();

        var slow = _storage.Inspect(folder, baseline: new KeyFileBaseline(now.AddDays(-2), new Dictionary<string, int> { ["pre-key"] = 20 }));
        Assert.Equal(5, slow.KeyFileGrowthPerDay["pre-key"]);
        Assert.DoesNotContain(slow.Findings, f => f.Kind == FindingKind.KeyFilesGrowing);

        var fast = _storage.Inspect(folder, baseline: new KeyFileBaseline(now.AddDays(-1), new Dictionary<string, int> { ["pre-key"] = 5 }));
        Assert.Equal(25, fast.KeyFileGrowthPerDay["pre-key"]);
        var finding = Assert.Single(fast.Findings, f => f.Kind == FindingKind.KeyFilesGrowing);
        Assert.Contains("pre-key grows by 25 a day (limit 10)", finding.Detail);

        var tooRecent = _storage.Inspect(folder, baseline: new KeyFileBaseline(now.AddMinutes(-10), new Dictionary<string, int> { ["pre-key"] = 0 }));
        Assert.Empty(tooRecent.KeyFileGrowthPerDay);
    }

    [Fact]
    public void A_lock_left_by_a_dead_browser_is_stale_whether_or_not_the_account_is_in_use()
    {
        var folder = SessionFixtures.ChromiumProfile(_storage.Scratch("stale-lock"));
        SessionFixtures.StaleLock(folder);

        foreach (var inUse in new[] { false, true })
        {
            var inspection = _storage.Inspect(folder, inUse);
            var finding = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.StaleLock);
            Assert.Equal(RepairAction.RemoveStaleLock, finding.Action);
            Assert.Equal(FindingSeverity.Warning, finding.Severity);
            Assert.Equal(new[] { "SingletonCookie", "SingletonLock", "SingletonSocket" }, inspection.StaleLocks.Order(StringComparer.Ordinal));
            Assert.Contains("does not run on this host", finding.Detail);
        }
    }

    [Fact]
    public void A_lock_held_by_a_running_process_is_never_stale_and_is_reported_when_the_account_is_stopped()
    {
        var folder = SessionFixtures.ChromiumProfile(_storage.Scratch("live-lock"));
        File.CreateSymbolicLink(Path.Combine(folder, "SingletonLock"), $"{Environment.MachineName}-{Environment.ProcessId}");

        Assert.Empty(_storage.Inspect(folder, inUse: true).Findings);
        var stopped = _storage.Inspect(folder, inUse: false);
        Assert.Empty(stopped.StaleLocks);
        var held = Assert.Single(stopped.Findings);
        Assert.Equal(FindingKind.ProfileLocked, held.Kind);
        Assert.Equal(RepairAction.None, held.Action);
        Assert.Contains($"process {Environment.ProcessId}", held.Detail);
    }

    [Fact]
    public void Browser_caches_are_measured_and_can_be_trimmed_without_touching_the_login()
    {
        var folder = SessionFixtures.ChromiumProfile(_storage.Scratch("caches"), cacheBytes: 3 * Limit / 2);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(SessionFormat.ChromiumProfile, inspection.Format);
        Assert.True(inspection.LoginPresent);
        Assert.Equal(new[] { "Default/Cache", "Default/Code Cache", "Default/GPUCache", "Default/Service Worker/CacheStorage" }, inspection.TrimmableCaches.Order(StringComparer.Ordinal));
        Assert.Equal(3 * Limit / 2, inspection.TrimmableBytes);
        var oversized = Assert.Single(inspection.Findings, f => f.Kind == FindingKind.Oversized);
        Assert.Equal(RepairAction.TrimCaches, oversized.Action);
        Assert.Equal(SessionVerdict.NeedsAttention, inspection.Verdict);
    }

    [Fact]
    public void A_Chromium_profile_without_the_WhatsApp_login_store_holds_no_login_and_is_not_corrupt()
    {
        var folder = SessionFixtures.ChromiumProfile(_storage.Scratch("no-login"), withLogin: false);

        var inspection = _storage.Inspect(folder);

        Assert.Empty(inspection.Findings);
        Assert.Equal(SessionVerdict.NoLogin, inspection.Verdict);
        Assert.False(Assert.Single(inspection.RequiredFiles).Present);
        Assert.Equal(LoginCheckResult.ProvenBroken, inspection.Login.Result);
        Assert.StartsWith("No login", Assert.Single(inspection.Login.Evidence));
    }

    [Fact]
    public void A_whatsmeow_database_passes_its_integrity_check_and_its_key_rows_are_counted()
    {
        var folder = _storage.Scratch("whatsmeow");
        SessionFixtures.Whatsmeow(folder, preKeys: 30, sessions: 20);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(SessionFormat.WhatsmeowSqlite, inspection.Format);
        Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
        Assert.True(inspection.LoginPresent);
        Assert.Equal(30, inspection.KeyFileCounts["pre-keys"]);
        Assert.Equal(20, inspection.KeyFileCounts["sessions"]);
        Assert.Equal(0, inspection.KeyFileCounts["identity-keys"]);
    }

    [Fact]
    public void A_corrupt_whatsmeow_database_fails_its_integrity_check_and_the_session_must_be_cleared()
    {
        var folder = _storage.Scratch("whatsmeow-corrupt");
        var database = SessionFixtures.Whatsmeow(folder, preKeys: 200, sessions: 60);
        SessionFixtures.CorruptDatabase(database);

        var inspection = _storage.Inspect(folder);

        var finding = Assert.Single(inspection.Findings);
        Assert.Equal(FindingKind.DatabaseCorrupt, finding.Kind);
        Assert.Equal(RepairAction.ClearSession, finding.Action);
        Assert.Contains("whatsmeow.db", finding.Detail);
        Assert.Equal(SessionVerdict.Corrupt, inspection.Verdict);
    }

    [Fact]
    public void A_db_file_that_is_not_a_database_and_one_without_a_device_are_told_apart()
    {
        var notADatabase = _storage.Scratch("not-a-db");
        SessionFixtures.Write(Path.Combine(notADatabase, "whatsmeow.db"), "this is not SQLite at all, just text that someone saved");
        var finding = Assert.Single(_storage.Inspect(notADatabase).Findings);
        Assert.Equal(FindingKind.DatabaseCorrupt, finding.Kind);
        Assert.Contains("not a database", finding.Detail);

        var unlinked = _storage.Scratch("no-device");
        SessionFixtures.Whatsmeow(unlinked, devices: 0, preKeys: 10);
        var inspection = _storage.Inspect(unlinked);
        Assert.Empty(inspection.Findings);
        Assert.Equal(SessionVerdict.NoLogin, inspection.Verdict);
        Assert.False(inspection.IsValid);
    }

    [Fact]
    public void Old_temp_files_are_leftovers_but_fresh_ones_may_still_be_written()
    {
        var folder = SessionFixtures.Baileys(_storage.Scratch("temps"));
        var now = _storage.Time.GetUtcNow();
        SessionFixtures.Write(Path.Combine(folder, "creds.json.tmp"), "{\"half\":");
        SessionFixtures.Age(Path.Combine(folder, "creds.json.tmp"), TimeSpan.FromHours(3), now);
        SessionFixtures.Write(Path.Combine(folder, "pre-key-9.json.tmp"), "{}");
        SessionFixtures.Age(Path.Combine(folder, "pre-key-9.json.tmp"), TimeSpan.FromMinutes(5), now);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(new[] { "creds.json.tmp" }, inspection.TempFiles);
        var finding = Assert.Single(inspection.Findings);
        Assert.Equal(FindingKind.TempFiles, finding.Kind);
        Assert.Equal(RepairAction.RemoveTempFiles, finding.Action);
        Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
    }

    [Fact]
    public void Missing_empty_and_unrecognised_folders()
    {
        Assert.Equal(SessionVerdict.Missing, _storage.Inspect(Path.Combine(_storage.DataDirectory, "nowhere")).Verdict);
        Assert.Equal(SessionVerdict.Missing, _storage.Inspect(_storage.Scratch("empty")).Verdict);

        var unknown = _storage.Scratch("unknown");
        SessionFixtures.Write(Path.Combine(unknown, "notes.txt"), "hello");
        var inspection = _storage.Inspect(unknown);
        Assert.Equal(SessionFormat.Unknown, inspection.Format);
        Assert.Equal(FindingKind.UnrecognizedContents, Assert.Single(inspection.Findings).Kind);
        Assert.False(inspection.IsValid);
    }

    [Fact]
    public void A_link_inside_a_session_folder_is_never_followed()
    {
        var outside = _storage.Scratch("outside");
        SessionFixtures.Write(Path.Combine(outside, "big.bin"), SessionFixtures.RandomBytes((int)(2 * Limit)));
        var folder = SessionFixtures.Baileys(_storage.Scratch("with-link"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "Cache"), outside);
        var withoutLink = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(withoutLink, inspection.SizeBytes);
        Assert.Empty(inspection.TrimmableCaches);
        Assert.DoesNotContain(inspection.Findings, f => f.Kind == FindingKind.Oversized);
    }

    /// <summary>
    /// 200 random folders (every format, every kind of damage, sizes and counts on both sides of the limits): the verdict
    /// and the findings always agree with the inspection's own numbers, and the numbers with the folder on disk.
    /// </summary>
    [Fact]
    public void The_verdict_always_agrees_with_the_inspections_own_numbers()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 200; i++)
        {
            var folder = Path.Combine(_storage.Scratch("random"), i.ToString(CultureInfo.InvariantCulture));
            var description = RandomFolder(folder, random);

            var s = _storage.Inspect(folder, inUse: random.Next(2) == 0);

            var (bytes, files) = Recount(folder);
            var context = $"case {i} ({description}): {s.SizeBytes} bytes, {s.FileCount} files, verdict {s.Verdict}, findings {string.Join(", ", s.Findings.Select(f => f.Kind))}";
            Assert.True(bytes == s.SizeBytes, context);
            Assert.True(files == s.FileCount, context);
            Assert.True(s.Findings.Any(f => f.Kind == FindingKind.Oversized) == (s.SizeBytes > s.MaxSizeBytes), context);
            Assert.True(s.Findings.Any(f => f.Kind == FindingKind.TooManyFiles) == (s.FileCount > s.MaxFileCount), context);
            Assert.True((s.Verdict == SessionVerdict.Corrupt) == s.Findings.Any(f => f.Severity == FindingSeverity.Critical) || s.Verdict == SessionVerdict.Missing, context);
            Assert.True((s.Verdict == SessionVerdict.Missing) == (!s.Exists || s.FileCount == 0), context);
            Assert.True(s.IsValid == (s.Verdict is SessionVerdict.Valid or SessionVerdict.NeedsAttention), context);
            Assert.True(!s.IsValid || s.LoginPresent, context);
            Assert.True(s.SizeMB == Math.Round(s.SizeBytes / (double)Limit, 3), context);
            if (s.Findings.FirstOrDefault(f => f.Kind == FindingKind.Oversized) is { } oversized)
            {
                Assert.True(oversized.Detail.Contains(s.SizeBytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes", StringComparison.Ordinal), context);
            }

            if (s.Format is SessionFormat.ChromiumProfile or SessionFormat.WhatsmeowSqlite)
            {
                Assert.True(s.Findings.Any(f => f.Kind == FindingKind.RequiredFileMissing) == (s.LoginPresent && s.RequiredFiles.Any(r => !r.Present)), context);
            }

            // A critical finding (what Clear session answers) is always backed by a login proven broken.
            Assert.True(!s.Findings.Any(f => f.Severity == FindingSeverity.Critical) || s.Login.IsProvenBroken, context);
            Assert.True(s.Findings.All(f => f.Action != RepairAction.ClearSession || s.Login.IsProvenBroken), context);

            Assert.True(s.Findings.SequenceEqual(SessionFinding.Sort(s.Findings)), context);
        }
    }

    private static string RandomFolder(string folder, Random random)
    {
        var format = random.Next(6);
        string description;
        switch (format)
        {
            case 0:
                SessionFixtures.Baileys(folder, preKeys: random.Next(1, 60));
                var damage = random.Next(5);
                if (damage == 1) SessionFixtures.TruncateCreds(folder);
                if (damage == 2) SessionFixtures.EmptyCreds(folder);
                if (damage == 3) SessionFixtures.StripKeysFromCreds(folder);
                if (damage == 4) File.Delete(Path.Combine(folder, "creds.json"));
                description = $"baileys damage {damage}";
                break;
            case 1:
                SessionFixtures.ChromiumProfile(folder, cacheBytes: random.Next(0, 3) * Limit / 3, withLogin: random.Next(4) != 0);
                if (random.Next(2) == 0)
                {
                    SessionFixtures.StaleLock(folder);
                }

                description = "chromium";
                break;
            case 2:
                var database = SessionFixtures.Whatsmeow(folder, devices: random.Next(0, 2), preKeys: random.Next(0, 80), sessions: random.Next(5, 40));
                if (random.Next(3) == 0)
                {
                    SessionFixtures.CorruptDatabase(database);
                }

                description = "whatsmeow";
                break;
            case 3:
                SessionFixtures.Write(Path.Combine(folder, "readme.txt"), "x");
                description = "unknown";
                break;
            case 4:
                Directory.CreateDirectory(folder);
                description = "empty";
                break;
            default:
                return "missing";
        }

        // Sizes and counts on both sides of the limits (1 MB, 100 files).
        var target = random.Next(4) switch
        {
            0 => Limit + random.Next(-2, 3),
            1 => Limit + random.Next(-5000, 5000),
            _ => -1,
        };
        if (target > 0 && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Pad(folder, target);
        }

        if (random.Next(5) == 0 && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            var extra = 100 - Recount(folder).Files + random.Next(-1, 2);
            for (var i = 0; i < extra; i++)
            {
                SessionFixtures.Write(Path.Combine(folder, "extra", $"f{i}.bin"), [1]);
            }
        }

        return description + $" target {target}";
    }

    /// <summary>Adds one file so that the folder's total size is exactly <paramref name="target"/> bytes (when it is not already above).</summary>
    private static void Pad(string folder, long target)
    {
        var missing = target - Recount(folder).Bytes;
        if (missing > 0)
        {
            SessionFixtures.Write(Path.Combine(folder, "padding.bin"), new byte[missing]);
        }
    }

    /// <summary>Counts files and bytes independently of the inspector: links count as files of no size and are not entered.</summary>
    private static (long Bytes, int Files) Recount(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return (0, 0);
        }

        long bytes = 0;
        var files = 0;
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        while (pending.Count > 0)
        {
            foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null)
                {
                    files++;
                }
                else if (entry is DirectoryInfo directory)
                {
                    pending.Push(directory);
                }
                else
                {
                    files++;
                    bytes += ((FileInfo)entry).Length;
                }
            }
        }

        return (bytes, files);
    }

    public void Dispose() => _storage.Dispose();
}
