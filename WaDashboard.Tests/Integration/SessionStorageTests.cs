using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Core.StorageJobs;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

/// <summary>Session storage health in the real Core (supervisors, simulator, SQLite file) under a fake clock.</summary>
public sealed class SessionStorageTests : IDisposable
{
    private const long Megabyte = SessionStorageOptions.BytesPerMegabyte;
    private readonly TempDirectory _dir = new("storage");

    private string Folder(string accountId, int generation) => Path.Combine(_dir.Path, "sessions", accountId, generation.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Trimming_caches_keeps_a_valid_login_and_the_simulator_reconnects_without_a_QR()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        await core.Fleet.SendAsync(account.Id, new StopCommand(), CancellationToken.None);
        var folder = Folder(account.Id, 1);
        var login = SessionFixtures.Manifest(folder);
        AddCaches(folder, 3 * Megabyte);
        var qrs = 0;
        using var watch = core.Events.Subscribe(e => { if (e is AccountChanged { State.Qr: not null }) Interlocked.Increment(ref qrs); });

        var trimmed = await core.Fleet.SendAsync(account.Id, new MaintainSessionCommand(new TrimCaches()), CancellationToken.None);

        Assert.Equal(CommandOutcome.Done, trimmed.Outcome);
        Assert.Equal(3 * Megabyte, trimmed.BytesFreed);
        Assert.Equal(login, SessionFixtures.Manifest(folder));
        Assert.Single(core.Services.GetRequiredService<CredsBackups>().List(account.Id));

        var reconnect = await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        Assert.Contains("no QR needed", reconnect.Message);
        var back = await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected with the trimmed session");
        Assert.Equal(1, back.Generation);
        Assert.Equal(0, qrs);
        Assert.True((await core.Simulator.GetSessionAsync(account.Id, CancellationToken.None))!.Connected);
    }

    [Fact]
    public async Task The_fleet_cleanup_never_touches_the_folder_of_a_connected_or_a_starting_account()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var connected = await core.AddConnectedAsync("+972501000001", "Connected");
        var starting = await core.AddConnectedAsync("+972501000002", "Starting");
        var idle = await core.AddConnectedAsync("+972501000003", "Idle");
        await core.Fleet.SendAsync(idle.Id, new StopCommand(), CancellationToken.None);
        await core.Fleet.SendAsync(starting.Id, new StopCommand(), CancellationToken.None);
        Assert.Null(core.Simulator.InjectFault(starting.Id, new SimulatorFault(SimulatorFaultKind.SlowStart, Delay: TimeSpan.FromHours(1))));
        await core.Fleet.SendAsync(starting.Id, new ReconnectCommand(), CancellationToken.None);
        await core.AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(AccountStatus.Starting, core.Fleet.Get(starting.Id)!.Status);

        var now = core.Time.GetUtcNow();
        foreach (var account in new[] { connected, starting, idle })
        {
            var folder = Folder(account.Id, 1);
            AddCaches(folder, Megabyte);
            SessionFixtures.Write(Path.Combine(folder, "creds.json.tmp"), "{");
            SessionFixtures.Age(Path.Combine(folder, "creds.json.tmp"), TimeSpan.FromDays(1), now);
        }

        var connectedBefore = SessionFixtures.Manifest(Folder(connected.Id, 1));
        var startingBefore = SessionFixtures.Manifest(Folder(starting.Id, 1));

        var job = core.Services.GetRequiredService<SessionCleanupJob>();
        Assert.True(job.TryStart(dryRun: false, out var completion, out _));
        var report = await completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(connectedBefore, SessionFixtures.Manifest(Folder(connected.Id, 1)));
        Assert.Equal(startingBefore, SessionFixtures.Manifest(Folder(starting.Id, 1)));
        Assert.Empty(core.Services.GetRequiredService<SessionInspector>().FindCaches(Folder(idle.Id, 1)));
        Assert.False(File.Exists(Path.Combine(Folder(idle.Id, 1), "creds.json.tmp")));
        Assert.All(report.Plan.Kept, k => Assert.Contains(k.AccountId, new[] { connected.Id, starting.Id }));
        Assert.All(report.Plan.Kept, k => Assert.StartsWith("in use", k.KeptBecause));
        Assert.Equal(4, report.Plan.Kept.Count); // the caches and the temp file of each
        Assert.Equal(AccountStatus.Connected, core.Fleet.Get(connected.Id)!.Status);
        Assert.Equal(AccountStatus.Starting, core.Fleet.Get(starting.Id)!.Status);

        // Asked directly, the supervisors refuse too.
        foreach (var busy in new[] { connected, starting })
        {
            var refused = await core.Fleet.SendAsync(busy.Id, new MaintainSessionCommand(new TrimCaches()), CancellationToken.None);
            Assert.Equal(CommandOutcome.Refused, refused.Outcome);
            Assert.Contains("in use", refused.Message);
        }

        Assert.Equal(connectedBefore, SessionFixtures.Manifest(Folder(connected.Id, 1)));
    }

    [Fact]
    public async Task A_session_corrupted_while_the_dashboard_was_down_is_quarantined_at_start_and_waits_for_a_person_never_silently()
    {
        string id;
        var time = new FakeTimeProvider(TestClock.Start);
        await using (var first = await CoreHarness.StartAsync(_dir.Path, time))
        {
            id = (await first.AddConnectedAsync("+972501234567")).Id;
        }

        SessionFixtures.TruncateCreds(Folder(id, 1));
        var damaged = SessionFixtures.Manifest(Folder(id, 1));

        await using var second = await CoreHarness.StartAsync(_dir.Path, time);
        var qrs = 0;
        using var watch = second.Events.Subscribe(e => { if (e is AccountChanged { State.Qr: not null }) Interlocked.Increment(ref qrs); });
        var corrupt = await second.WaitForAsync(id, s => s.Status == AccountStatus.SessionCorrupt, "SessionCorrupt after the start-up check");

        Assert.Equal("folder-check", corrupt.RawCode);
        Assert.False(corrupt.SessionLinked);
        Assert.Contains("quarantine", corrupt.Note);
        // The new state is published first, then its effects run: the move and the alert follow at once.
        await WaitUntilAsync(() => !Directory.Exists(Folder(id, 1)), "the folder moved to the quarantine");
        await WaitUntilAsync(() => second.Alerts.Recent.Any(a => a.AccountId == id && a.Message.Contains("quarantine", StringComparison.Ordinal)), "the alert");
        var entry = Assert.Single(second.Services.GetRequiredService<SessionQuarantine>().List());
        Assert.Equal(damaged, SessionFixtures.Manifest(Path.Combine(entry.Path, SessionQuarantine.PayloadName)));
        Assert.Single(second.Services.GetRequiredService<CredsBackups>().List(id));
        Assert.Null(await second.Simulator.GetSessionAsync(id, CancellationToken.None));

        // Nothing happens by itself: no QR, no retry.
        await second.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5));
        Assert.Equal(AccountStatus.SessionCorrupt, second.Fleet.Get(id)!.Status);
        Assert.Equal(0, qrs);

        // The diagnosis tells the person to scan a QR; doing so links a new generation.
        var diagnosis = (await second.Services.GetRequiredService<StorageDiagnostics>().DiagnoseAsync(id, CancellationToken.None))!;
        Assert.Equal(new SessionRecommendations(false, false, true), diagnosis.Recommendations);
        Assert.Equal(RepairAction.ScanQr, diagnosis.Findings[0].Action);
        await second.Fleet.SendAsync(id, new ReconnectCommand(), CancellationToken.None);
        var relinking = await second.AdvanceUntilAsync(id, s => s.Qr is not null, "a fresh QR asked for by the person");
        Assert.Equal(2, relinking.Generation);
    }

    [Fact]
    public async Task A_start_that_keeps_hanging_is_retried_twice_then_the_intact_login_is_kept_and_a_person_is_alerted()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await HangThreeStartsAsync(core, corruptDuringLastHang: false);

        var paused = await core.WaitForAsync(account.Id, s => s.Note?.Contains("intact", StringComparison.Ordinal) == true, "the folder check after the third hang");
        Assert.Equal(AccountStatus.Disconnected, paused.Status);
        Assert.True(paused.AutoReconnectPaused);
        Assert.True(paused.SessionLinked);
        Assert.True(File.Exists(Path.Combine(Folder(account.Id, 1), "creds.json")));
        await WaitUntilAsync(() => core.Alerts.Recent.Any(a => a.AccountId == account.Id && a.Message.Contains("3 times in a row", StringComparison.Ordinal)), "the alert");

        var attempts = core.Gate.Attempts;
        await core.AdvanceAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10));
        Assert.Equal(attempts, core.Gate.Attempts);
        Assert.Equal(AccountStatus.Disconnected, core.Fleet.Get(account.Id)!.Status);

        var timeline = await core.Fleet.GetTimelineAsync(account.Id, 50, CancellationToken.None);
        Assert.Equal(3, timeline.Count(e => e.RawCode == "start-timeout"));
    }

    [Fact]
    public async Task A_start_that_keeps_hanging_on_a_folder_that_turns_out_corrupt_ends_quarantined_with_a_person_asked_for_a_QR()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await HangThreeStartsAsync(core, corruptDuringLastHang: true);

        var corrupt = await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.SessionCorrupt, "SessionCorrupt after the third hang");
        Assert.Contains("3 times in a row", corrupt.Note);
        await WaitUntilAsync(() => !Directory.Exists(Folder(account.Id, 1)), "the folder moved to the quarantine");
        Assert.Single(core.Services.GetRequiredService<SessionQuarantine>().List());
        Assert.Null(corrupt.Qr);
    }

    [Fact]
    public async Task Clearing_a_corrupt_session_quarantines_it_backs_up_creds_and_relinks_with_a_fresh_QR()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Corrupt)));
        await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.SessionCorrupt, "SessionCorrupt");
        var diagnostics = core.Services.GetRequiredService<StorageDiagnostics>();
        var before = (await diagnostics.DiagnoseAsync(account.Id, CancellationToken.None))!;
        Assert.True(before.Recommendations.ShouldClearSession);
        var finding = before.Findings[0];
        Assert.Equal((FindingKind.CredsUnreadable, RepairAction.ClearSession), (finding.Kind, finding.Action));

        var outcome = await diagnostics.RunAsync(finding, CancellationToken.None);

        Assert.True(outcome.Done, outcome.Message);
        Assert.True(outcome.ShowsCode);
        var relinking = await core.AdvanceUntilAsync(account.Id, s => s.Qr is not null, "a fresh QR after clearing");
        Assert.Equal(2, relinking.Generation);
        Assert.False(Directory.Exists(Folder(account.Id, 1)), "the old generation went to the quarantine before the new session started");
        var entry = Assert.Single(core.Services.GetRequiredService<SessionQuarantine>().List());
        Assert.Equal((account.Id, 1, "generation"), (entry.Record!.AccountId, entry.Record.Generation!.Value, entry.Record.Kind));
        Assert.Equal(1, Assert.Single(core.Services.GetRequiredService<CredsBackups>().List(account.Id)).Generation);

        Assert.Null(core.Simulator.Scan(account.Id));
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected on the new generation");
        Assert.Equal(SessionVerdict.Valid, (await diagnostics.DiagnoseAsync(account.Id, CancellationToken.None))!.Session.Verdict);
    }

    [Fact]
    public async Task A_backup_taken_before_a_repair_brings_a_damaged_login_back_without_a_QR()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        await core.Fleet.SendAsync(account.Id, new StopCommand(), CancellationToken.None);
        AddCaches(Folder(account.Id, 1), Megabyte);
        Assert.Equal(CommandOutcome.Done, (await core.Fleet.SendAsync(account.Id, new MaintainSessionCommand(new TrimCaches()), CancellationToken.None)).Outcome);
        var backup = Assert.Single(core.Services.GetRequiredService<CredsBackups>().List(account.Id));
        await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected");
        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Corrupt)));
        await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.SessionCorrupt, "SessionCorrupt");

        var restored = await core.Services.GetRequiredService<StorageDiagnostics>().RestoreCredsAsync(account.Id, backup.Id, CancellationToken.None);

        Assert.True(restored.Done, restored.Message);
        var stopped = await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.Stopped, "Stopped with the restored login");
        Assert.True(stopped.SessionLinked);
        await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        var back = await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected with the restored creds.json");
        Assert.Equal(1, back.Generation);
    }

    [Fact]
    public async Task Quarantined_folders_are_deleted_by_the_maintenance_pass_once_their_retention_is_over()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path, settings: new Dictionary<string, string?>
        {
            ["SessionStorage:QuarantineRetention"] = "1.00:00:00",
            ["SessionStorage:MaintenanceInterval"] = "01:00:00",
            ["Supervision:DeadlineTick"] = "00:00:10",
        });
        var account = await core.AddConnectedAsync("+972501234567");
        await core.Fleet.SendAsync(account.Id, new ClearSessionCommand(), CancellationToken.None);
        var quarantine = core.Services.GetRequiredService<SessionQuarantine>();
        await WaitUntilAsync(() => quarantine.List().Count == 1, "the cleared generation in the quarantine");

        await core.AdvanceAsync(TimeSpan.FromHours(23), TimeSpan.FromMinutes(10));
        await Task.Delay(100);
        Assert.Single(quarantine.List());

        await core.AdvanceAsync(TimeSpan.FromHours(2), TimeSpan.FromMinutes(10));
        await WaitUntilAsync(() => quarantine.List().Count == 0, "the entry deleted after its retention");
        Assert.Empty(FolderWalker.List(quarantine.Folder));
    }

    [Fact]
    public async Task Key_file_growth_is_measured_between_the_maintenance_snapshots()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path, settings: new Dictionary<string, string?>
        {
            ["SessionStorage:MaintenanceInterval"] = "06:00:00",
            ["SessionStorage:MaxKeyFileGrowthPerDay"] = "100",
            ["Supervision:DeadlineTick"] = "00:00:10",
        });
        var account = await core.AddConnectedAsync("+972501234567");
        var maintenance = core.Services.GetRequiredService<SessionStorageMaintenance>();
        Assert.Equal(1, (await maintenance.RunOnceAsync(CancellationToken.None)).Snapshots);

        for (var i = 100; i < 400; i++)
        {
            SessionFixtures.Write(Path.Combine(Folder(account.Id, 1), $"session-{i}.0.json"), "{}");
        }

        core.Time.Advance(TimeSpan.FromDays(1));
        var diagnosis = (await core.Services.GetRequiredService<StorageDiagnostics>().DiagnoseAsync(account.Id, CancellationToken.None))!;

        Assert.Equal(300, diagnosis.Session.KeyFileGrowthPerDay["session"]);
        var growing = Assert.Single(diagnosis.Findings, f => f.Kind == FindingKind.KeyFilesGrowing);
        Assert.Contains("session grows by 300 a day (limit 100)", growing.Detail);

        // The fleet view measures against the same first snapshot.
        var fleet = await core.Services.GetRequiredService<StorageDiagnostics>().DiagnoseFleetAsync(CancellationToken.None);
        Assert.Equal(300, Assert.Single(fleet.Accounts).Session.KeyFileGrowthPerDay["session"]);
        Assert.Contains(fleet.Findings, f => f.Kind == FindingKind.KeyFilesGrowing && f.AccountId == account.Id);
    }

    [Fact]
    public async Task A_second_dashboard_on_the_same_session_folders_refuses_to_start()
    {
        await using var first = await CoreHarness.StartAsync(_dir.Path);

        var refused = await Assert.ThrowsAsync<SessionRootLockedException>(() => CoreHarness.StartAsync(_dir.Path));

        Assert.Contains("Another WaDashboard process is using the session folders", refused.Message);
        Assert.Contains("Storage:DataDirectory", refused.Message);
        Assert.NotNull(await first.Fleet.AddAsync("Still works", "+972501234567", CancellationToken.None));
    }

    /// <summary>A linked, stopped account whose next three restore starts each hang past the start timeout.</summary>
    private static async Task<AccountState> HangThreeStartsAsync(CoreHarness core, bool corruptDuringLastHang)
    {
        var account = await core.AddConnectedAsync("+972501234567");
        await core.Fleet.SendAsync(account.Id, new StopCommand(), CancellationToken.None);
        for (var hang = 1; hang <= 3; hang++)
        {
            Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.SlowStart, Delay: TimeSpan.FromHours(1))));
            if (hang == 1)
            {
                await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
            }

            await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Starting, $"start {hang}", limit: TimeSpan.FromMinutes(2));
            if (hang == 3 && corruptDuringLastHang)
            {
                SessionFixtures.TruncateCreds(Path.Combine(core.DataDirectory, "sessions", account.Id, "1"));
            }

            await core.AdvanceUntilAsync(account.Id, s => s.Status != AccountStatus.Starting, $"start {hang} to time out", limit: TimeSpan.FromMinutes(2));
        }

        return account;
    }

    private static void AddCaches(string folder, long bytes)
    {
        SessionFixtures.Write(Path.Combine(folder, "Cache", "Cache_Data", "data_0"), SessionFixtures.RandomBytes((int)(bytes / 2)));
        SessionFixtures.Write(Path.Combine(folder, "Code Cache", "js", "index"), SessionFixtures.RandomBytes((int)(bytes / 4)));
        SessionFixtures.Write(Path.Combine(folder, "GPUCache", "data_1"), SessionFixtures.RandomBytes((int)(bytes - (bytes / 2) - (bytes / 4))));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + CoreHarness.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {CoreHarness.Patience.TotalSeconds} s for {what}.");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
