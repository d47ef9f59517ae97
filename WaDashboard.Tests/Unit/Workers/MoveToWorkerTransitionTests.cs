using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Unit.Workers;

/// <summary>Moving an account to another server: the old session is removed and the account needs a person to link it again.</summary>
public sealed class MoveToWorkerTransitionTests
{
    private static AccountState State(AccountStatus status, bool linked) => TransitionTable.Account(status, linked, generation: 3) with
    {
        LinkedJid = linked ? "972501234567@s.whatsapp.net" : null,
        WorkerId = "waha-1",
        ReconnectAttempt = 4,
        AutoReconnectPaused = true,
        Reason = DisconnectReason.ConnectionLost,
    };

    private static Transition Apply(AccountState state, SupervisorInput input) => TransitionTable.Apply(state, input);

    public static TheoryData<AccountStatus, bool> EveryState()
    {
        var data = new TheoryData<AccountStatus, bool>();
        foreach (var status in Enum.GetValues<AccountStatus>())
        {
            data.Add(status, true);
            data.Add(status, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryState))]
    public void From_any_state_the_account_lands_on_the_new_server_needing_a_link_and_the_old_session_is_removed(AccountStatus status, bool linked)
    {
        var result = Apply(State(status, linked), new MoveToWorkerCommand("waha-2"));

        Assert.Equal(CommandOutcome.Done, result.Result!.Outcome);
        Assert.Contains("Link it again", result.Result.Message);
        var next = result.State;
        Assert.Equal("waha-2", next.WorkerId);
        Assert.Equal(AccountStatus.New, next.Status);
        Assert.False(next.SessionLinked);
        Assert.Null(next.LinkedJid);
        Assert.Equal(0, next.ReconnectAttempt);
        Assert.False(next.AutoReconnectPaused);
        Assert.Contains("waha-1", next.Note);
        // A new generation: nothing the old session still says can move the account.
        Assert.Equal(4, next.Generation);
        Assert.True(next.StartToken > 7);
        // The old session goes from the old server; nothing starts by itself (no QR without a person).
        Assert.Equal([new RemoveSessionFromWorker("waha-1", 3), new DeleteGenerationFolder(3)], result.Effects);
        Assert.DoesNotContain(result.Effects, e => e is StartEngine);

        var late = Apply(next, new EngineEventInput(new SessionConnected(next.Id, 3, "j", null)));
        Assert.Equal(AccountStatus.New, late.State.Status);
    }

    [Fact]
    public void Moving_to_the_server_it_is_on_changes_nothing()
    {
        var state = State(AccountStatus.Connected, linked: true);
        var result = Apply(state, new MoveToWorkerCommand("WAHA-1"));
        Assert.Equal(CommandOutcome.Refused, result.Result!.Outcome);
        Assert.Same(state, result.State);
        Assert.Empty(result.Effects);
    }

    [Fact]
    public void After_a_move_a_person_links_on_the_new_server_with_a_fresh_generation()
    {
        var moved = Apply(State(AccountStatus.Connected, linked: true), new MoveToWorkerCommand("waha-2")).State;
        var link = Apply(moved, new LinkCommand(LinkMode.Qr));
        var start = Assert.Single(link.Effects.OfType<StartEngine>());
        Assert.Equal(LinkMode.Qr, start.Link);
        Assert.Equal(moved.Generation + 1, start.Generation);
        Assert.DoesNotContain(link.Effects, e => e is StopEngine);
        Assert.Equal("waha-2", link.State.WorkerId);
    }
}
