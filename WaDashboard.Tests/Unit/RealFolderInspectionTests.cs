using Microsoft.Data.Sqlite;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

/// <summary>
/// The inspectors on folders made by the real libraries (tools/fixtures): each finding of the issue that read real folders
/// wrong, and the login's own proofs.
/// </summary>
public sealed class RealFolderInspectionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly StorageStack _storage = new();

    private string Generation(string fixture, string accountId = "0123456789abcdef", int generation = 1) =>
        RealFolders.CopyTo(fixture, _storage.Folders.GenerationFolder(accountId, generation));

    private static AccountState Account(AccountStatus status, bool linked, int generation = 1) => new()
    {
        Id = "0123456789abcdef",
        Name = "Clinic",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = Now.AddDays(-1),
        StatusSince = Now.AddMinutes(-5),
        Status = status,
        SessionLinked = linked,
        Generation = generation,
        RawCode = status == AccountStatus.SessionCorrupt ? "500" : null,
        RawText = status == AccountStatus.SessionCorrupt ? "badSession" : null,
    };

    // Finding 2: whatsapp-web.js LocalAuth keeps the profile at <dataPath>/session-<clientId>/.
    [Fact]
    public void A_LocalAuth_profile_one_level_down_is_recognised_and_its_login_found()
    {
        var folder = Generation(RealFolders.WwebjsReached);

        var inspection = _storage.Inspect(folder);

        Assert.Equal(SessionFormat.ChromiumProfile, inspection.Format);
        Assert.True(inspection.LoginPresent);
        Assert.True(inspection.IsValid);
        Assert.Equal("session-acct/Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb", Assert.Single(inspection.RequiredFiles, r => r.Present).Pattern);
        Assert.Equal(LoginCheckResult.Unknown, inspection.Login.Result); // WhatsApp Web's keys cannot be verified from outside
        var diagnosis = SessionAdvisor.Diagnose(Account(AccountStatus.Stopped, linked: true), inspection, [], Now);
        Assert.DoesNotContain(diagnosis.Findings, f => f.Kind == FindingKind.LoginMissing || f.Action == RepairAction.ClearSession);
        Assert.False(diagnosis.Recommendations.ShouldClearSession);
        Assert.True(diagnosis.Recommendations.ShouldReconnect);
    }

    // Finding 2: a crashed profile in that layout does not hide its stale lock.
    [Fact]
    public void A_crashed_LocalAuth_profile_shows_its_stale_lock_and_removing_it_keeps_the_profile()
    {
        var folder = Generation(RealFolders.WwebjsCrashed);
        RealFolders.LockByDeadProcessHere(Path.Combine(folder, RealFolders.LocalAuthProfile));

        var inspection = _storage.Inspect(folder);

        Assert.Equal(SessionFormat.ChromiumProfile, inspection.Format);
        Assert.Equal(["session-acct/SingletonCookie", "session-acct/SingletonLock", "session-acct/SingletonSocket"], inspection.StaleLocks.Order(StringComparer.Ordinal));
        Assert.Equal(RepairAction.RemoveStaleLock, Assert.Single(inspection.Findings, f => f.Kind == FindingKind.StaleLock).Action);

        var outcome = _storage.Repairs.Run("0123456789abcdef", 1, new RemoveStaleLocks());

        Assert.True(outcome.Done, outcome.Message);
        Assert.DoesNotContain(FolderWalker.List(Path.Combine(folder, RealFolders.LocalAuthProfile)), e => e.Name.StartsWith("Singleton", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(folder, RealFolders.LocalAuthProfile, "Local State")));
    }

    // Finding 1: a lock of another host is not ours to judge; it is never removed.
    [Fact]
    public void A_lock_naming_another_host_is_left_alone()
    {
        var folder = Generation(RealFolders.WwebjsCrashed);
        var lockPath = Path.Combine(folder, RealFolders.LocalAuthProfile, "SingletonLock");
        File.Delete(lockPath);
        File.CreateSymbolicLink(lockPath, $"gateway-7.example-{RealFolders.DeadPid()}");

        var inspection = _storage.Inspect(folder);

        Assert.Empty(inspection.StaleLocks);
        Assert.Contains("not this host", Assert.Single(inspection.Findings, f => f.Kind == FindingKind.ProfileLocked).Detail);
        var outcome = _storage.Repairs.Run("0123456789abcdef", 1, new RemoveStaleLocks());
        Assert.False(outcome.Done);
        Assert.NotNull(new FileInfo(lockPath).LinkTarget);
    }

    // Finding 1: the holder is judged again at the moment of removal.
    [Fact]
    public void A_lock_taken_by_a_running_process_after_the_inspection_is_not_removed()
    {
        var folder = Generation(RealFolders.WwebjsCrashed);
        var profile = Path.Combine(folder, RealFolders.LocalAuthProfile);
        RealFolders.LockByDeadProcessHere(profile);
        Assert.NotEmpty(_storage.Inspect(folder).StaleLocks);

        // A browser starts on the profile between the inspection and the click.
        File.Delete(Path.Combine(profile, "SingletonLock"));
        File.CreateSymbolicLink(Path.Combine(profile, "SingletonLock"), $"{System.Net.Dns.GetHostName()}-{Environment.ProcessId}");
        var outcome = _storage.Repairs.Run("0123456789abcdef", 1, new RemoveStaleLocks());

        Assert.False(outcome.Done);
        Assert.Contains($"process {Environment.ProcessId}", outcome.Message);
        Assert.Equal(3, FolderWalker.List(profile).Count(e => e.Name.StartsWith("Singleton", StringComparison.Ordinal)));
    }

    // Finding 3: whatsmeow killed mid-transaction leaves a hot journal; the login is there once it is rolled back.
    [Fact]
    public void A_hot_rollback_journal_is_checked_on_a_copy_and_the_original_is_left_as_it_was()
    {
        var folder = Generation(RealFolders.WhatsmeowHotJournal);
        var before = SessionFixtures.Manifest(folder);

        var inspection = _storage.Inspect(folder);

        Assert.True(inspection.LoginPresent, string.Join(" ", inspection.Login.Evidence));
        Assert.Equal(LoginCheckResult.ProvenGood, inspection.Login.Result);
        Assert.Contains(inspection.Login.Evidence, e => e.Contains("hot rollback journal", StringComparison.Ordinal));
        Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
        Assert.Equal(30, inspection.KeyFileCounts["pre-keys"]);
        Assert.Equal(before, SessionFixtures.Manifest(folder));
        var diagnosis = SessionAdvisor.Diagnose(Account(AccountStatus.Stopped, linked: true), inspection, [], Now);
        Assert.False(diagnosis.Recommendations.ShouldClearSession);
    }

    // Finding 3, WAL mode: a store left by a crash with its latest commits only in -wal (no -shm) still shows its login.
    [Fact]
    public void A_store_left_in_WAL_mode_by_a_crash_is_read_with_its_write_ahead_log()
    {
        var source = Generation(RealFolders.WhatsmeowUnlinked, generation: 9);
        var linked = RealFolders.CopyTo(RealFolders.WhatsmeowLinked, Path.Combine(_storage.DataDirectory, "linked-source"));
        using (var writer = new SqliteConnection($"Data Source={Path.Combine(source, "whatsmeow.db")};Pooling=False"))
        {
            writer.Open();
            using var command = writer.CreateCommand();
            command.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; ATTACH '{Path.Combine(linked, "whatsmeow.db")}' AS l; " +
                                  "INSERT INTO whatsmeow_device SELECT * FROM l.whatsmeow_device; INSERT INTO whatsmeow_pre_keys SELECT * FROM l.whatsmeow_pre_keys;";
            command.ExecuteNonQuery();
            // What a crash leaves: the database and its -wal, as they are while the writer still runs; no -shm.
            var folder = _storage.Folders.GenerationFolder("0123456789abcdef", 1);
            Directory.CreateDirectory(folder);
            File.Copy(Path.Combine(source, "whatsmeow.db"), Path.Combine(folder, "whatsmeow.db"));
            File.Copy(Path.Combine(source, "whatsmeow.db-wal"), Path.Combine(folder, "whatsmeow.db-wal"));
        }

        var inspection = _storage.Inspect(_storage.Folders.GenerationFolder("0123456789abcdef", 1));

        Assert.True(inspection.LoginPresent, inspection.Login.Summary);
        Assert.Equal(LoginCheckResult.ProvenGood, inspection.Login.Result);
        Assert.Equal(30, inspection.KeyFileCounts["pre-keys"]);
    }

    // Finding 3: a busy database is "could not check", never "login missing".
    [Fact]
    public void A_database_another_process_is_writing_is_unchecked_and_never_called_missing()
    {
        var folder = Generation(RealFolders.WhatsmeowLinked);
        using var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "whatsmeow.db"), Pooling = false }.ToString());
        writer.Open();
        using (var exclusive = writer.CreateCommand())
        {
            exclusive.CommandText = "BEGIN EXCLUSIVE; DELETE FROM whatsmeow_pre_keys;";
            exclusive.ExecuteNonQuery();
        }

        var inspection = _storage.Inspect(folder);

        Assert.Equal(SessionVerdict.Unchecked, inspection.Verdict);
        Assert.Equal(LoginCheckResult.Unknown, inspection.Login.Result);
        var busy = Assert.Single(inspection.Findings);
        Assert.Equal((FindingKind.DatabaseUnreadable, RepairAction.None), (busy.Kind, busy.Action));
        Assert.Contains("busy", busy.Detail);
        var diagnosis = SessionAdvisor.Diagnose(Account(AccountStatus.Stopped, linked: true), inspection, [], Now);
        Assert.DoesNotContain(diagnosis.Findings, f => f.Kind == FindingKind.LoginMissing || f.Action == RepairAction.ClearSession);
        Assert.False(diagnosis.Recommendations.ShouldClearSession);
        Assert.False(diagnosis.Recommendations.NeedsQrScan);
        Assert.Contains("could not be checked", diagnosis.Recommendations.Summary);
        Assert.False(_storage.Repairs.Check("0123456789abcdef", 1, deep: false).Corrupt);
    }

    // Finding 4: whatsmeow takes any file name.
    [Theory]
    [InlineData(RealFolders.WhatsmeowLinkedSqlite, "store.sqlite")]
    [InlineData(RealFolders.WhatsmeowLinkedSqlite3, "store.sqlite3")]
    public void Sqlite_and_sqlite3_stores_are_whatsmeow_stores_with_their_login(string fixture, string file)
    {
        var inspection = _storage.Inspect(Generation(fixture));

        Assert.Equal(SessionFormat.WhatsmeowSqlite, inspection.Format);
        Assert.Empty(inspection.Findings);
        Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
        Assert.True(Assert.Single(inspection.RequiredFiles).Present);
        Assert.Equal(LoginCheckResult.ProvenGood, inspection.Login.Result);
        Assert.Contains(file, inspection.Login.Evidence[0]);
    }

    // Finding 5: a profile that never reached WhatsApp Web holds no login; that is not damage.
    [Fact]
    public void A_profile_that_never_reached_WhatsApp_Web_holds_no_login_and_is_not_corrupt()
    {
        var inspection = _storage.Inspect(Generation(RealFolders.WwebjsNeverReached));

        Assert.Equal(SessionFormat.ChromiumProfile, inspection.Format);
        Assert.Equal(SessionVerdict.NoLogin, inspection.Verdict);
        Assert.DoesNotContain(inspection.Findings, f => f.Severity == FindingSeverity.Critical);
        var diagnosis = SessionAdvisor.Diagnose(Account(AccountStatus.AwaitingQrScan, linked: false), inspection, [], Now);
        Assert.False(diagnosis.Recommendations.ShouldClearSession);
    }

    // Finding 6: Chromium's own temp files and GPUPersistentCache.
    [Fact]
    public void Chromium_temp_files_are_found_and_its_persistent_GPU_cache_is_trimmable()
    {
        var folder = Generation(RealFolders.WwebjsReached);
        var profile = Path.Combine(folder, RealFolders.LocalAuthProfile);
        var temp = Path.Combine(profile, "Default", ".org.chromium.Chromium.x8Yq2B");
        SessionFixtures.Write(temp, SessionFixtures.RandomBytes(2048));
        SessionFixtures.Age(temp, TimeSpan.FromHours(3), _storage.Time.GetUtcNow());
        SessionFixtures.Write(Path.Combine(profile, "GPUPersistentCache", "GPUCache", "data_0"), new byte[4096]);

        var inspection = _storage.Inspect(folder);

        Assert.Contains("session-acct/Default/.org.chromium.Chromium.x8Yq2B", inspection.TempFiles);
        Assert.Contains("session-acct/GPUPersistentCache", inspection.TrimmableCaches);
        Assert.True(inspection.LoginPresent);
    }

    // Beyond: the login's own proofs.
    [Theory]
    [InlineData(RealFolders.BaileysLinked, LoginCheckResult.ProvenGood, "signedPreKey.signature verifies with signedIdentityKey")]
    [InlineData(RealFolders.BaileysGarbledPreKeySignature, LoginCheckResult.ProvenBroken, "signedPreKey.signature does not verify")]
    [InlineData(RealFolders.BaileysGarbledAccountSignature, LoginCheckResult.ProvenBroken, "account.accountSignature does not verify")]
    [InlineData(RealFolders.WhatsmeowLinked, LoginCheckResult.ProvenGood, "adv_account_sig, adv_device_sig and signed_pre_key_sig verify")]
    [InlineData(RealFolders.WhatsmeowGarbledSignature, LoginCheckResult.ProvenBroken, "adv_account_sig does not verify")]
    public void The_signatures_a_login_carries_are_verified(string fixture, LoginCheckResult expected, string evidence)
    {
        var inspection = _storage.Inspect(Generation(fixture));

        Assert.True(inspection.LoginPresent);
        Assert.Equal(expected, inspection.Login.Result);
        Assert.Contains(inspection.Login.Evidence, e => e.Contains(evidence, StringComparison.Ordinal));
        if (expected == LoginCheckResult.ProvenBroken)
        {
            var finding = Assert.Single(inspection.Findings, f => f.Severity == FindingSeverity.Critical);
            Assert.Equal((FindingKind.LoginProofFailed, RepairAction.ClearSession), (finding.Kind, finding.Action));
            Assert.Equal(SessionVerdict.Corrupt, inspection.Verdict);
            Assert.True(_storage.Repairs.Check("0123456789abcdef", 1, deep: true).Corrupt);
        }
        else
        {
            Assert.Equal(SessionVerdict.Valid, inspection.Verdict);
        }
    }

    [Fact]
    public void Overwritten_bytes_in_the_device_row_pass_the_integrity_check_but_not_the_proofs()
    {
        var folder = Generation(RealFolders.WhatsmeowGarbledSignature);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "whatsmeow.db")};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        Assert.Equal(SessionVerdict.Corrupt, _storage.Inspect(folder).Verdict);
    }

    [Theory]
    [InlineData(RealFolders.BaileysUnlinked)]
    [InlineData(RealFolders.WhatsmeowUnlinked)]
    public void A_store_that_was_never_linked_holds_no_login(string fixture)
    {
        var inspection = _storage.Inspect(Generation(fixture));

        Assert.False(inspection.LoginPresent);
        Assert.Equal(SessionVerdict.NoLogin, inspection.Verdict);
        Assert.StartsWith("No login", inspection.Login.Evidence[0]);
        Assert.DoesNotContain(inspection.Findings, f => f.Severity == FindingSeverity.Critical);
    }

    public void Dispose() => _storage.Dispose();
}
