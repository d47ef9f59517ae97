using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Support;
using Xunit.Abstractions;

namespace WaDashboard.Tests.Integration;

public sealed class ReconnectSafetyTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new("reconnect");

    [Fact]
    public async Task Drift_a_session_the_engine_lost_silently_is_found_by_the_monitor_and_reconnected_with_a_timeline_entry()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.LoseSession)));
        await Task.Delay(100);
        Assert.Equal(AccountStatus.Connected, core.Fleet.Get(account.Id)!.Status); // no event: the dashboard cannot know yet

        Assert.Equal(1, await core.Monitor.CheckAsync(CancellationToken.None));

        var drifted = await core.WaitForAsync(account.Id, s => s.Status != AccountStatus.Connected, "the drift to be corrected");
        Assert.Equal(AccountStatus.Reconnecting, drifted.Status);
        Assert.StartsWith("Drift", drifted.Note);
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected again");
        var timeline = await core.Fleet.GetTimelineAsync(account.Id, 20, CancellationToken.None);
        Assert.Contains(timeline, e => e.RawCode == "engine-lost-session" && e.Note!.StartsWith("Drift", StringComparison.Ordinal));

        Assert.Equal(0, await core.Monitor.CheckAsync(CancellationToken.None)); // consistent again: nothing to do
    }

    [Fact]
    public async Task The_loop_breaker_pauses_a_flapping_account_raises_an_alert_and_a_person_resumes_it()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567", "Flapping");
        var options = new ReconnectOptions();

        for (var i = 0; i < options.LoopMaxDisconnects; i++)
        {
            core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Drop, "428"));
            await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected && s.RecentDisconnects.Length == i + 1, $"reconnect {i + 1}");
        }

        core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Drop, "428"));
        var paused = await core.WaitForAsync(account.Id, s => s.AutoReconnectPaused, "the loop breaker");
        Assert.Equal(AccountStatus.Disconnected, paused.Status);
        await core.AdvanceAsync(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(5));
        Assert.Equal(AccountStatus.Disconnected, core.Fleet.Get(account.Id)!.Status); // it stays down by itself
        var alert = Assert.Single(core.Alerts.Recent);
        Assert.Equal("Flapping", alert.AccountName);
        Assert.Contains("Loop breaker", alert.Message);

        var resumed = await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        Assert.Equal(CommandOutcome.Started, resumed.Outcome);
        var back = await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected after a person resumed it");
        Assert.False(back.AutoReconnectPaused);
        Assert.Equal(1, back.Generation); // no relink was needed
    }

    [Theory]
    [InlineData(SimulatorFaultKind.Logout, AccountStatus.LoggedOut)]
    [InlineData(SimulatorFaultKind.Replace, AccountStatus.Replaced)]
    [InlineData(SimulatorFaultKind.Ban, AccountStatus.Banned)]
    [InlineData(SimulatorFaultKind.Corrupt, AccountStatus.SessionCorrupt)]
    public async Task Harmful_disconnects_are_never_retried_automatically(SimulatorFaultKind fault, AccountStatus expected)
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972501234567");
        var attemptsBefore = core.Gate.Attempts;

        core.Simulator.InjectFault(account.Id, new SimulatorFault(fault));
        await core.WaitForAsync(account.Id, s => s.Status == expected, expected.ToString());
        await core.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromSeconds(30));
        await Task.Delay(50);

        var after = core.Fleet.Get(account.Id)!;
        Assert.Equal(expected, after.Status);
        Assert.Null(after.Qr);
        Assert.Equal(attemptsBefore, core.Gate.Attempts);
        Assert.Null(await core.Simulator.GetSessionAsync(account.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Bulk_reconnect_restarts_each_selected_account_once_whatever_its_state()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var connected = await core.AddConnectedAsync("+972501000001");
        var stopped = await core.AddConnectedAsync("+972501000002");
        await core.Fleet.SendAsync(stopped.Id, new StopCommand(), CancellationToken.None);
        var loggedOut = await core.AddConnectedAsync("+972501000003");
        core.Simulator.InjectFault(loggedOut.Id, new SimulatorFault(SimulatorFaultKind.Logout));
        await core.WaitForAsync(loggedOut.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");

        var results = await core.Fleet.ReconnectManyAsync([connected.Id, stopped.Id, loggedOut.Id, stopped.Id], CancellationToken.None);

        Assert.Equal(3, results.Count);
        Assert.Equal(CommandOutcome.AlreadyConnected, results[connected.Id].Outcome);
        Assert.Equal(CommandOutcome.Started, results[stopped.Id].Outcome);
        Assert.Equal(CommandOutcome.Started, results[loggedOut.Id].Outcome);
        await core.AdvanceUntilAsync(stopped.Id, s => s.Status == AccountStatus.Connected, "the stopped account back without a QR");
        var relinking = await core.AdvanceUntilAsync(loggedOut.Id, s => s.Qr is not null, "a fresh QR for the logged-out account");
        Assert.Equal(2, relinking.Generation);
    }

    [Fact]
    public async Task Storm_a_thousand_accounts_dropping_at_once_never_exceed_the_connect_cap_and_all_come_back()
    {
        const int fleetSize = 1000;
        const int cap = 20;
        await using var core = await CoreHarness.StartAsync(_dir.Path, settings: new Dictionary<string, string?>
        {
            ["Reconnect:MaxConcurrentConnects"] = cap.ToString(),
            ["Reconnect:LoopMaxDisconnects"] = "50",
        });

        var ids = new List<string>();
        for (var i = 0; i < fleetSize; i++)
        {
            ids.Add((await core.Fleet.AddAsync($"Storm {i}", $"+97250{i:D7}", CancellationToken.None)).Id);
        }

        await Task.WhenAll(ids.Select(id => core.Fleet.SendAsync(id, new LinkCommand(LinkMode.Qr), CancellationToken.None)));
        await core.AdvanceUntilFleetAsync(all => all.All(a => a.Qr is not null), "every QR on screen", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        foreach (var id in ids)
        {
            Assert.Null(core.Simulator.Scan(id));
        }

        await core.AdvanceUntilFleetAsync(all => all.All(a => a.IsConnected), "all linked", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));

        core.Gate.ResetPeak();
        var attemptsAtDrop = core.Gate.Attempts;
        var dropAt = core.Time.GetUtcNow();
        foreach (var id in ids)
        {
            core.Simulator.InjectFault(id, new SimulatorFault(SimulatorFaultKind.Drop, "428"));
        }

        // The clock stands still until every drop has reached its supervisor, so no retry can happen yet.
        var registered = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (core.Fleet.Accounts.Any(a => a.IsConnected) && DateTime.UtcNow < registered)
        {
            await Task.Delay(20);
        }

        Assert.All(core.Fleet.Accounts, a => Assert.Equal(AccountStatus.Reconnecting, a.Status));
        var perSecond = new Dictionary<int, long>();
        var lastAttempts = attemptsAtDrop;
        var maxInFlight = 0;
        var took = await core.AdvanceUntilFleetAsync(all => all.All(a => a.IsConnected), "all reconnected", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), simulated =>
        {
            maxInFlight = Math.Max(maxInFlight, core.Gate.InFlight);
            var attempts = core.Gate.Attempts;
            var second = (int)simulated.TotalSeconds;
            perSecond[second] = perSecond.GetValueOrDefault(second) + (attempts - lastAttempts);
            lastAttempts = attempts;
        });

        var totalAttempts = core.Gate.Attempts - attemptsAtDrop;
        var peakPerSecond = perSecond.Values.Max();
        output.WriteLine($"storm: {fleetSize} accounts, cap {cap}: all back after {took.TotalSeconds:0.0} s simulated; {totalAttempts} attempts; " +
                         $"peak in flight {core.Gate.Peak}; peak attempts in one simulated second {peakPerSecond} ({100.0 * peakPerSecond / fleetSize:0.0}% of the fleet); " +
                         $"attempts spread over {perSecond.Count(p => p.Value > 0)} s");

        var allowedPerSecond = Math.Max(new ReconnectOptions().MinConnectsPerSecond, fleetSize * new ReconnectOptions().ConnectRatePercent / 100);
        Assert.True(core.Gate.Peak <= cap, $"peak in flight {core.Gate.Peak} > cap {cap}");
        Assert.True(peakPerSecond <= allowedPerSecond, $"peak {peakPerSecond} attempts in a second > {allowedPerSecond} (2% of the fleet)");
        Assert.True(maxInFlight <= cap);
        Assert.True(totalAttempts >= fleetSize, "every account made at least one attempt");
        Assert.True(perSecond.Count(p => p.Value > 0) >= 3, "attempts are spread over several seconds, not one burst");
        Assert.True(peakPerSecond < fleetSize / 2, $"peak {peakPerSecond} attempts/s is a stampede");
        Assert.All(core.Fleet.Accounts, a => Assert.Equal(1, a.Generation)); // nobody was relinked
        Assert.True(core.Time.GetUtcNow() - dropAt < TimeSpan.FromMinutes(5), "everyone is back within 5 minutes of the outage");
    }

    public void Dispose() => _dir.Dispose();
}
