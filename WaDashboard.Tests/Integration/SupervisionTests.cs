using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

/// <summary>The real Core (supervisors, simulator, SQLite file, hosted services) under a fake clock.</summary>
public sealed class SupervisionTests : IDisposable
{
    private readonly TempDirectory _dir = new("core");

    [Fact]
    public async Task Accounts_and_their_timeline_survive_a_host_restart_and_a_linked_session_comes_back_without_a_qr()
    {
        string id;
        var time = new FakeTimeProvider(TestClock.Start);
        await using (var first = await CoreHarness.StartAsync(_dir.Path, time))
        {
            var connected = await first.AddConnectedAsync("+972501234567", "Clinic");
            var waiting = await first.Fleet.AddAsync("Reception", "+972509999999", CancellationToken.None);
            await first.Fleet.SendAsync(waiting.Id, new LinkCommand(LinkMode.Qr), CancellationToken.None);
            await first.AdvanceUntilAsync(waiting.Id, s => s.Qr is not null, "a QR");
            id = connected.Id;
        }

        Assert.True(File.Exists(Path.Combine(_dir.Path, "wadashboard.db")));

        var qrsAfterRestart = 0;
        await using var second = await CoreHarness.StartAsync(_dir.Path, time);
        using var watch = second.Events.Subscribe(e => { if (e is AccountChanged { State.Qr: not null }) Interlocked.Increment(ref qrsAfterRestart); });
        var restored = await second.AdvanceUntilAsync(id, s => s.Status == AccountStatus.Connected, "Connected after restart");
        Assert.Equal("Clinic", restored.Name);
        Assert.Equal("+972501234567", restored.Phone.Value);
        Assert.Equal(1, restored.Generation);

        var reception = second.Fleet.Find("+972 50 999 9999")!;
        await second.WaitForAsync(reception.Id, s => s.Status == AccountStatus.QrExpired, "QrExpired: linking interrupted, a person asks again");
        await second.AdvanceAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, qrsAfterRestart);

        var timeline = await second.Fleet.GetTimelineAsync(id, 50, CancellationToken.None);
        Assert.Contains(timeline, e => e.To == AccountStatus.AwaitingQrScan);
        Assert.Contains(timeline, e => e.Reason == DisconnectReason.RestartRequired && e.RawCode == "515");
        Assert.Contains(timeline, e => e.Note!.Contains("after a restart", StringComparison.Ordinal));
        Assert.True(timeline.SequenceEqual(timeline.OrderByDescending(e => e.At)), "newest first");
    }

    [Fact]
    public async Task A_dropped_connection_reconnects_by_itself_after_backoff_with_the_saved_session()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");

        Assert.Null(core.Simulator.InjectFault(account.Id, new Core.Engines.Simulator.SimulatorFault(Core.Engines.Simulator.SimulatorFaultKind.Drop, "408")));
        var reconnecting = await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.Reconnecting, "Reconnecting");
        Assert.Equal(DisconnectReason.Timeout, reconnecting.Reason);
        Assert.InRange(reconnecting.NextAttemptAt!.Value - core.Time.GetUtcNow(), TimeSpan.Zero, TimeSpan.FromSeconds(3));

        var back = await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected again", limit: TimeSpan.FromSeconds(10));
        Assert.Equal(account.Generation, back.Generation);
        Assert.Null(back.Qr);
    }

    [Fact]
    public async Task A_logout_from_the_phone_stops_and_waits_for_a_person_then_reconnect_relinks_with_a_fresh_qr()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        var oldFolder = Path.Combine(_dir.Path, "sessions", account.Id, "1");
        Assert.True(File.Exists(Path.Combine(oldFolder, "creds.json")));

        core.Simulator.InjectFault(account.Id, new Core.Engines.Simulator.SimulatorFault(Core.Engines.Simulator.SimulatorFaultKind.Logout));
        await core.WaitForAsync(account.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");
        await core.AdvanceAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        var still = core.Fleet.Get(account.Id)!;
        Assert.Equal(AccountStatus.LoggedOut, still.Status);
        Assert.Null(still.Qr);
        Assert.True(Directory.Exists(oldFolder), "a failure never deletes the session folder");

        var result = await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        Assert.Equal(CommandOutcome.Started, result.Outcome);
        var relinking = await core.AdvanceUntilAsync(account.Id, s => s.Qr is not null, "a fresh QR");
        Assert.Equal(2, relinking.Generation);
        Assert.Null(core.Simulator.Scan(account.Id));
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected");
        Assert.True(File.Exists(Path.Combine(_dir.Path, "sessions", account.Id, "2", "creds.json")));
    }

    [Fact]
    public async Task An_explicit_logout_removes_the_session_folder()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        var folder = Path.Combine(_dir.Path, "sessions", account.Id, "1");

        var result = await core.Fleet.SendAsync(account.Id, new LogoutCommand(), CancellationToken.None);

        Assert.Equal(CommandOutcome.Done, result.Outcome);
        Assert.Equal(AccountStatus.LoggedOut, core.Fleet.Get(account.Id)!.Status);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dir.Path, "sessions", ".quarantine")));
    }

    [Fact]
    public async Task A_start_that_hangs_times_out_and_is_retried()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        core.Simulator.InjectFault(account.Id, new Core.Engines.Simulator.SimulatorFault(Core.Engines.Simulator.SimulatorFaultKind.SlowStart, Delay: TimeSpan.FromMinutes(5)));
        await core.Fleet.SendAsync(account.Id, new ReconnectCommand(Force: true), CancellationToken.None);

        var timedOut = await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Reconnecting, "the start timeout", limit: TimeSpan.FromSeconds(50));
        Assert.Equal("start-timeout", timedOut.RawCode);
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected on the retry", limit: TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Adding_validates_the_phone_and_refuses_duplicates_in_any_notation()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        await core.Fleet.AddAsync("A", "+972501234567", CancellationToken.None);

        var duplicate = await Assert.ThrowsAsync<Core.Persistence.DuplicatePhoneException>(() => core.Fleet.AddAsync("B", "+972 50-123-4567", CancellationToken.None));
        Assert.Contains("+972501234567", duplicate.Message);
        var invalid = await Assert.ThrowsAsync<AccountValidationException>(() => core.Fleet.AddAsync("C", "050-123", CancellationToken.None));
        Assert.Equal("phone", invalid.Field);
        var unnamed = await Assert.ThrowsAsync<AccountValidationException>(() => core.Fleet.AddAsync(" ", "+972501234568", CancellationToken.None));
        Assert.Equal("name", unnamed.Field);
        Assert.Single(core.Fleet.Accounts);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
