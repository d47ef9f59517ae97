using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

/// <summary>The fleet's shared snapshot: one copy per change for every reader, never a stale one.</summary>
public sealed class FleetSnapshotTests : IDisposable
{
    private readonly TempDirectory _dir = new("snapshot");

    [Fact]
    public async Task Readers_share_one_ordered_snapshot_until_a_change_and_a_page_told_of_the_change_reads_it()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        string first, second, third;
        await using (var core = await CoreHarness.StartAsync(_dir.Path, time))
        {
            first = (await core.AddConnectedAsync("+972501234567", "First")).Id;
            time.Advance(TimeSpan.FromSeconds(1));
            second = (await core.Fleet.AddAsync("Second", "+972501234568", CancellationToken.None)).Id;
            time.Advance(TimeSpan.FromSeconds(1));
            third = (await core.Fleet.AddAsync("Third", "+972501234569", CancellationToken.None)).Id;
            Assert.Equal([first, second, third], core.Fleet.Accounts.Select(a => a.Id));
        }

        // After a restart the accounts come back in the same order, loaded in one go.
        await using var restarted = await CoreHarness.StartAsync(_dir.Path, time);
        var fleet = restarted.Fleet;
        // The stored status reads Connected before the restore ran: wait for the session the restore brings back.
        await restarted.AdvanceUntilAsync(first, s => s.Status == AccountStatus.Connected
            && restarted.Simulator.GetSessionAsync(first, CancellationToken.None).Result is { Connected: true }, "Connected after the restart, with a live session");
        var snapshot = fleet.Accounts;
        Assert.Equal([first, second, third], snapshot.Select(a => a.Id));
        Assert.Same(snapshot, fleet.Accounts);

        // What a page does: told of a change, it reads the fleet at once and must see that change.
        var seenInHandler = new List<AccountStatus>();
        using (restarted.Events.Subscribe(e =>
               {
                   if (e is AccountChanged { State.Id: var id } && id == first)
                   {
                       lock (seenInHandler)
                       {
                           seenInHandler.Add(fleet.Accounts.Single(a => a.Id == first).Status);
                       }
                   }
               }))
        {
            Assert.Null(restarted.Simulator.InjectFault(first, new SimulatorFault(SimulatorFaultKind.Drop)));
            await restarted.WaitForAsync(first, s => s.Status == AccountStatus.Reconnecting, "Reconnecting");
        }

        Assert.Equal([AccountStatus.Reconnecting], seenInHandler);
        Assert.NotSame(snapshot, fleet.Accounts);
        Assert.Equal(AccountStatus.Reconnecting, fleet.Accounts[0].Status);

        time.Advance(TimeSpan.FromSeconds(1));
        var late = await fleet.AddAsync("Late", "+972501234570", CancellationToken.None);
        Assert.True(await fleet.DeleteAsync(second, CancellationToken.None));
        Assert.Equal([first, third, late.Id], fleet.Accounts.Select(a => a.Id));
    }

    public void Dispose() => _dir.Dispose();
}
