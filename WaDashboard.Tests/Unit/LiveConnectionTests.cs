using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Unit;

/// <summary>Sending needs a connection made in this run, not a Connected status read back from the database after a restart.</summary>
public sealed class LiveConnectionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_connected_status_loaded_after_a_restart_is_not_live_until_the_session_is_restored_and_connects()
    {
        var loaded = new AccountRecord
        {
            Id = "0123456789abcdef", Name = "Clinic", Phone = "+972501234567", Status = "Connected", SessionLinked = true, Generation = 1,
            CreatedAt = Now.AddDays(-1), StatusSince = Now.AddHours(-1),
        }.ToState();
        Assert.True(loaded.IsConnected);
        Assert.False(loaded.HasLiveConnection);

        var context = new TransitionContext(Now, new ReconnectOptions(), 0.5);
        var restoring = SessionTransitions.Apply(loaded, new RestoreCommand(), context).State;
        Assert.Equal(AccountStatus.Starting, restoring.Status);
        Assert.False(restoring.HasLiveConnection);

        var connected = SessionTransitions.Apply(restoring, new EngineEventInput(new SessionConnected(loaded.Id, 1, "972501234567@s.whatsapp.net", "Phone")), context).State;
        Assert.Equal(AccountStatus.Connected, connected.Status);
        Assert.True(connected.HasLiveConnection);

        var dropped = SessionTransitions.Apply(connected, new EngineEventInput(new SessionDisconnected(loaded.Id, 1, "428", "Connection Closed")), context).State;
        Assert.False(dropped.HasLiveConnection);
    }
}
