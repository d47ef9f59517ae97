using WaDashboard.Core.Accounts;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// Cleanup on real folders: what a dry run finds (orphan folders, old generations, caches, stale locks, temp files) and
/// how much space it frees; what a run does; and that everything it moves stays recoverable until the retention is over.
/// </summary>
public sealed class SessionCleanupTests : IDisposable
{
    private const long Megabyte = SessionStorageOptions.BytesPerMegabyte;

    private readonly StorageStack _storage = new();
    private readonly AccountState _idle = InMemoryOwners.Account("Idle", AccountStatus.Stopped, generation: 3);
    private readonly AccountState _busy = InMemoryOwners.Account("Busy", AccountStatus.Connected, generation: 2);
    private readonly string _removedAccount = AccountId.New();
    private readonly InMemoryOwners _owners;

    public SessionCleanupTests()
    {
        _owners = new InMemoryOwners(_storage, _idle, _busy);
        var now = _storage.Time.GetUtcNow();

        SessionFixtures.Baileys(Generation(_idle, 1));
        SessionFixtures.Baileys(Generation(_idle, 2));
        var idleCurrent = SessionFixtures.ChromiumProfile(Generation(_idle, 3), cacheBytes: 2 * Megabyte);
        SessionFixtures.StaleLock(idleCurrent);
        SessionFixtures.Write(Path.Combine(idleCurrent, "Default", "Preferences.tmp"), SessionFixtures.RandomBytes(3000));
        SessionFixtures.Age(Path.Combine(idleCurrent, "Default", "Preferences.tmp"), TimeSpan.FromDays(2), now);
        SessionFixtures.Write(Path.Combine(_storage.Folders.AccountFolder(_idle.Id), "notes.txt"), "left here by hand");

        SessionFixtures.Baileys(Generation(_busy, 1));
        var busyCurrent = SessionFixtures.ChromiumProfile(Generation(_busy, 2), cacheBytes: Megabyte);
        File.CreateSymbolicLink(Path.Combine(busyCurrent, "SingletonLock"), $"{Environment.MachineName}-{Environment.ProcessId}");
        SessionFixtures.Write(Path.Combine(busyCurrent, "Default", "Cookies.tmp"), "x");
        SessionFixtures.Age(Path.Combine(busyCurrent, "Default", "Cookies.tmp"), TimeSpan.FromDays(2), now);

        SessionFixtures.Write(Path.Combine(_storage.Root, "stray", "a.bin"), SessionFixtures.RandomBytes(10_000));
        SessionFixtures.Baileys(Path.Combine(_storage.Root, _removedAccount, "1"));
    }

    private string Generation(AccountState account, int generation) => _storage.Folders.GenerationFolder(account.Id, generation);

    [Fact]
    public async Task A_dry_run_lists_what_it_would_do_and_the_space_it_frees_and_changes_nothing()
    {
        var before = SessionFixtures.Manifest(_storage.Root);

        var report = await _storage.Cleanup.RunAsync(_owners, dryRun: true, 1, null, CancellationToken.None);

        Assert.Equal(before, SessionFixtures.Manifest(_storage.Root));
        Assert.DoesNotContain(report.Results, r => r.Outcome != CleanupItemOutcome.Skipped);
        var items = report.Plan.Items.Select(i => (i.Kind, i.Path, Kept: i.KeptBecause is not null)).OrderBy(i => i.Path, StringComparer.Ordinal).ToList();
        var expected = new List<(CleanupKind, string, bool)>
        {
            (CleanupKind.OrphanFolder, "stray", false),
            (CleanupKind.OrphanFolder, _removedAccount, false),
            (CleanupKind.OrphanFolder, $"{_idle.Id}/notes.txt", false),
            (CleanupKind.SupersededGeneration, $"{_idle.Id}/1", false),
            (CleanupKind.SupersededGeneration, $"{_idle.Id}/2", false),
            (CleanupKind.Caches, $"{_idle.Id}/3", false),
            (CleanupKind.StaleLocks, $"{_idle.Id}/3", false),
            (CleanupKind.TempFiles, $"{_idle.Id}/3", false),
            (CleanupKind.SupersededGeneration, $"{_busy.Id}/1", false),
            (CleanupKind.Caches, $"{_busy.Id}/2", true),
            (CleanupKind.TempFiles, $"{_busy.Id}/2", true),
        };
        Assert.Equal(expected.OrderBy(i => i.Item2, StringComparer.Ordinal).ThenBy(i => i.Item1), items.OrderBy(i => i.Path, StringComparer.Ordinal).ThenBy(i => i.Kind));

        // Space: caches and temp files come back at once; folders after the quarantine's retention.
        Assert.Equal(2 * Megabyte + 3000, report.Plan.BytesFreedAtOnce);
        var quarantined = new[] { "stray", _removedAccount, $"{_idle.Id}/notes.txt", $"{_idle.Id}/1", $"{_idle.Id}/2", $"{_busy.Id}/1" }
            .Sum(p => FolderWalker.Measure(Path.Combine([_storage.Root, .. p.Split('/')])).Bytes);
        Assert.Equal(quarantined, report.Plan.BytesQuarantined);
        Assert.Contains("in use", report.Plan.Kept[0].KeptBecause);
        Assert.StartsWith("Would clean up 9 item(s): free 2.0 MB at once", report.Summary(TimeSpan.FromDays(7)));
    }

    [Fact]
    public async Task A_run_does_what_the_dry_run_said_and_everything_it_moved_stays_recoverable_until_the_retention_is_over()
    {
        var idleLogin = LoginFiles(Generation(_idle, 3));
        var busyFolder = SessionFixtures.Manifest(Generation(_busy, 2));
        var moved = new[] { "stray", _removedAccount, $"{_idle.Id}/1", $"{_idle.Id}/2", $"{_busy.Id}/1" }
            .ToDictionary(p => p, p => SessionFixtures.Manifest(Path.Combine([_storage.Root, .. p.Split('/')])));

        var report = await _storage.Cleanup.RunAsync(_owners, dryRun: false, 1, null, CancellationToken.None);

        Assert.Equal(9, report.Done);
        Assert.Equal(0, report.Failed);
        Assert.Equal(2, report.Skipped);
        Assert.Equal(2 * Megabyte + 3000, report.BytesFreed);

        // The session in use is untouched, to the byte; the idle one lost its caches, lock and temp file, not its login.
        Assert.Equal(busyFolder, SessionFixtures.Manifest(Generation(_busy, 2)));
        Assert.Equal(idleLogin, LoginFiles(Generation(_idle, 3)));
        Assert.Empty(_storage.Inspector.FindCaches(Generation(_idle, 3)));
        Assert.False(FolderWalker.EntryExists(Path.Combine(Generation(_idle, 3), "SingletonLock")));
        Assert.False(File.Exists(Path.Combine(Generation(_idle, 3), "Default", "Preferences.tmp")));
        Assert.Equal(SessionVerdict.Valid, _storage.Inspect(Generation(_idle, 3)).Verdict);

        // Every moved folder is whole in the quarantine, with a record of where it came from; creds.json was backed up first.
        var entries = _storage.Quarantine.List().Where(e => e.HasPayload).ToList();
        foreach (var (path, manifest) in moved)
        {
            Assert.False(Directory.Exists(Path.Combine([_storage.Root, .. path.Split('/')])), path);
            var entry = Assert.Single(entries, e => e.Record!.OriginalPaths.SequenceEqual(new[] { path }));
            Assert.Equal(manifest, SessionFixtures.Manifest(Path.Combine(entry.Path, SessionQuarantine.PayloadName)));
            Assert.Equal(_storage.Time.GetUtcNow() + _storage.Options.QuarantineRetention, entry.PurgeAfter);
        }

        Assert.Equal(new[] { 1, 2 }, _storage.Backups.List(_idle.Id).Select(b => b.Generation).Distinct().Order());

        // A second run finds nothing more to do than the session in use it leaves alone.
        var again = await _storage.Cleanup.RunAsync(_owners, dryRun: false, 2, null, CancellationToken.None);
        Assert.Empty(again.Plan.ToDo);
        Assert.Equal(2, again.Plan.Kept.Count);

        // Kept for the retention period (the five folders and the stray file), then deleted.
        var kept = moved.Count + 1;
        _storage.Time.Advance(_storage.Options.QuarantineRetention - TimeSpan.FromMinutes(1));
        Assert.Equal(0, _storage.Quarantine.PurgeExpired().Entries);
        Assert.Equal(kept, _storage.Quarantine.List().Count);
        _storage.Time.Advance(TimeSpan.FromMinutes(2));
        var dueNow = await _storage.Cleanup.PlanAsync(_owners, CancellationToken.None);
        Assert.Equal(kept, dueNow.ToDo.Count(i => i.Kind == CleanupKind.ExpiredQuarantine));
        Assert.Equal(kept, _storage.Quarantine.PurgeExpired().Entries);
        Assert.Empty(FolderWalker.List(_storage.Quarantine.Folder));
    }

    [Fact]
    public void A_move_interrupted_before_its_rename_leaves_the_source_whole_and_an_empty_entry_that_the_next_purge_removes()
    {
        var source = SessionFixtures.Manifest(Generation(_idle, 1));
        var entry = Path.Combine(_storage.Quarantine.Folder, $"{_storage.Time.GetUtcNow().UtcTicks:D19}-generation-000000000000");
        SessionFixtures.Write(Path.Combine(entry, SessionQuarantine.RecordFile),
            $$"""{"kind":"generation","original_paths":["{{_idle.Id}}/1"],"reason":"test","quarantined_at":"{{_storage.Time.GetUtcNow():O}}","purge_after":"{{_storage.Time.GetUtcNow().AddDays(7):O}}","bytes":0,"files":0}""");

        Assert.Empty(_storage.Quarantine.Expired());
        _storage.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(_storage.Quarantine.Expired());
        _storage.Quarantine.PurgeExpired();

        Assert.False(Directory.Exists(entry));
        Assert.Equal(source, SessionFixtures.Manifest(Generation(_idle, 1)));
    }

    [Fact]
    public void A_creds_json_backed_up_before_a_repair_can_be_put_back_into_its_own_generation_only()
    {
        var id = AccountId.New();
        var folder = SessionFixtures.Baileys(_storage.Folders.GenerationFolder(id, 2));
        SessionFixtures.Write(Path.Combine(folder, "Cache", "data_0"), SessionFixtures.RandomBytes(5000));
        SessionFixtures.Baileys(_storage.Folders.GenerationFolder(id, 1));
        var original = File.ReadAllBytes(Path.Combine(folder, "creds.json"));
        Assert.True(_storage.Repairs.Run(id, 2, new TrimCaches()).Done);
        var backup = Assert.Single(_storage.Backups.List(id));
        Assert.Equal(2, backup.Generation);
        Assert.True(backup.HoldsLogin);

        SessionFixtures.TruncateCreds(folder);
        Assert.Equal(SessionVerdict.Corrupt, _storage.Inspect(folder).Verdict);

        Assert.False(_storage.Backups.Restore(id, 1, backup.Id).Done);
        Assert.False(_storage.Backups.Restore(id, 2, "../../creds").Done);
        Assert.False(_storage.Backups.Restore(id, 2, "2-0000000000000000001").Done);
        var (done, message) = _storage.Backups.Restore(id, 2, backup.Id);

        Assert.True(done, message);
        Assert.Equal(original, File.ReadAllBytes(Path.Combine(folder, "creds.json")));
        Assert.Equal(SessionVerdict.Valid, _storage.Inspect(folder).Verdict);
        Assert.Contains(_storage.Backups.List(id), b => !b.HoldsLogin); // the damaged one was backed up too, before the restore
    }

    [Fact]
    public void Backups_are_capped_per_account_keeping_the_newest()
    {
        var storage = new StorageStack(new SessionStorageOptions { BackupsKept = 3 });
        try
        {
            var id = AccountId.New();
            SessionFixtures.Baileys(storage.Folders.GenerationFolder(id, 1));
            var ids = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                ids.Add(storage.Backups.BackUp(id, 1, "test")!.Id);
                storage.Time.Advance(TimeSpan.FromSeconds(1));
            }

            Assert.Equal(ids.TakeLast(3).Reverse(), storage.Backups.List(id).Select(b => b.Id));
        }
        finally
        {
            storage.Dispose();
        }
    }

    public static TheoryData<string> Problems() => new()
    {
        "truncated creds", "empty creds", "missing keys", "creds missing", "corrupt sqlite",
        "stale lock", "caches", "oversized by caches", "temp files",
    };

    /// <summary>Each problem's fixture, its finding's recommended repair run for real, and the folder checked again.</summary>
    [Theory]
    [MemberData(nameof(Problems))]
    public void Each_problem_is_fixed_by_the_repair_its_finding_recommends(string problem)
    {
        var storage = new StorageStack(new SessionStorageOptions { MaxSizeMB = 1, TrimSuggestionMB = 0 });
        try
        {
            var id = AccountId.New();
            var folder = storage.Folders.GenerationFolder(id, 1);
            Fixture(problem, folder, storage.Time.GetUtcNow());
            var before = storage.Inspect(folder);
            var finding = before.Findings[0];
            var loginFiles = finding.Action == RepairAction.ClearSession ? null : LoginOf(storage, folder);
            var whole = SessionFixtures.Manifest(folder);

            var outcome = finding.Action switch
            {
                RepairAction.ClearSession => storage.Repairs.QuarantineGeneration(id, 1, "test"),
                RepairAction.TrimCaches => storage.Repairs.Run(id, 1, new TrimCaches()),
                RepairAction.RemoveStaleLock => storage.Repairs.Run(id, 1, new RemoveStaleLocks()),
                RepairAction.RemoveTempFiles => storage.Repairs.Run(id, 1, new RemoveTempFiles()),
                _ => throw new InvalidOperationException($"{problem}: unexpected action {finding.Action}"),
            };

            Assert.True(outcome.Done, outcome.Message);
            var after = storage.Inspect(folder);
            if (finding.Action == RepairAction.ClearSession)
            {
                // The broken session is gone from its place and whole in the quarantine, ready for a fresh link.
                Assert.Equal(SessionVerdict.Missing, after.Verdict);
                var entry = Assert.Single(storage.Quarantine.List());
                Assert.Equal(whole, SessionFixtures.Manifest(Path.Combine(entry.Path, SessionQuarantine.PayloadName)));
            }
            else
            {
                // Fixed without touching the login.
                Assert.DoesNotContain(after.Findings, f => f.Kind == finding.Kind);
                Assert.True(after.IsValid, $"{problem}: {after.Verdict}");
                Assert.Equal(loginFiles, LoginOf(storage, folder));
            }
        }
        finally
        {
            storage.Dispose();
        }
    }

    private static void Fixture(string problem, string folder, DateTimeOffset now)
    {
        switch (problem)
        {
            case "truncated creds":
                SessionFixtures.TruncateCreds(SessionFixtures.Baileys(folder));
                break;
            case "empty creds":
                SessionFixtures.EmptyCreds(SessionFixtures.Baileys(folder));
                break;
            case "missing keys":
                SessionFixtures.StripKeysFromCreds(SessionFixtures.Baileys(folder));
                break;
            case "creds missing":
                File.Delete(Path.Combine(SessionFixtures.Baileys(folder), "creds.json"));
                break;
            case "corrupt sqlite":
                SessionFixtures.CorruptDatabase(SessionFixtures.Whatsmeow(folder, preKeys: 100, sessions: 40));
                break;
            case "stale lock":
                SessionFixtures.StaleLock(SessionFixtures.ChromiumProfile(folder));
                break;
            case "caches":
                SessionFixtures.ChromiumProfile(folder, cacheBytes: Megabyte / 2);
                break;
            case "oversized by caches":
                SessionFixtures.ChromiumProfile(folder, cacheBytes: Megabyte + 1000);
                break;
            default:
                SessionFixtures.Baileys(folder);
                SessionFixtures.Write(Path.Combine(folder, "creds.json.tmp"), "{\"half\":");
                SessionFixtures.Age(Path.Combine(folder, "creds.json.tmp"), TimeSpan.FromDays(1), now);
                break;
        }
    }

    /// <summary>The files that make up a login: everything but caches, browser locks and temp files.</summary>
    private static SortedDictionary<string, string> LoginOf(StorageStack storage, string folder)
    {
        var caches = storage.Inspector.FindCaches(folder);
        return new SortedDictionary<string, string>(SessionFixtures.Manifest(folder).Where(p =>
                !caches.Any(c => p.Key == c || p.Key.StartsWith(c + "/", StringComparison.Ordinal))
                && !p.Key.StartsWith("Singleton", StringComparison.Ordinal)
                && !SessionInspector.IsTempFile(Path.GetFileName(p.Key)))
            .ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
    }

    /// <summary>The files that make up a login: everything but caches, browser locks and temp files.</summary>
    private SortedDictionary<string, string> LoginFiles(string folder) => LoginOf(_storage, folder);

    public void Dispose() => _storage.Dispose();
}
