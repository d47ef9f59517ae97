using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Workers;

namespace WaDashboard.Tests.Unit.Workers;

/// <summary>Each account's calls reach the worker it is placed on; events of every worker reach the fleet.</summary>
public sealed class WorkerRouterTests
{
    private sealed class RecordingEngine(string name) : IWhatsAppEngine
    {
        public readonly Channel<EngineEvent> Channel = System.Threading.Channels.Channel.CreateUnbounded<EngineEvent>();
        public List<string> Calls { get; } = [];
        public string Name => name;
        public ChannelReader<EngineEvent> Events => Channel.Reader;

        public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken) => Record($"start {request.AccountId}");
        public Task StopSessionAsync(string accountId, CancellationToken cancellationToken) => Record($"stop {accountId}");
        public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) => Record($"logout {accountId}");

        public async Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
        {
            await Record($"send {accountId}");
            return EngineSendResult.Sent("m1");
        }

        public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult<EngineSessionInfo?>(null);

        public async Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken)
        {
            await Record($"probe {accountId}");
            return true;
        }

        public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyCollection<EngineSessionInfo>>([new EngineSessionInfo($"{name}-session", 1, true)]);

        private Task Record(string call)
        {
            lock (Calls)
            {
                Calls.Add(call);
            }

            return Task.CompletedTask;
        }
    }

    private readonly RecordingEngine _simulator = new("simulator");
    private readonly RecordingEngine _west = new("west");
    private readonly Dictionary<string, string> _placement = new() { ["a1"] = "simulator", ["a2"] = "west", ["a3"] = "gone" };

    private WorkerRouter Router() => new(
        [new EngineWorker("simulator", "Simulator", _simulator, null, null), new EngineWorker("west", "Waha", _west, 10, "http://west:3000")],
        new StubEngineAccounts(id => _placement.GetValueOrDefault(id)), NullLogger<WorkerRouter>.Instance);

    [Fact]
    public async Task Every_call_goes_to_the_worker_the_account_is_placed_on()
    {
        var router = Router();
        await router.StartSessionAsync(new SessionStartRequest("a1", 1, "/f", LinkMode.Qr, "972"), default);
        await router.StartSessionAsync(new SessionStartRequest("a2", 1, "/f", LinkMode.Qr, "972"), default);
        await router.SendTextAsync("a2", "1", "hi", default);
        await router.StopSessionAsync("a1", default);
        await router.LogoutSessionAsync("a2", default);
        await router.ProbeAsync("a2", default);

        Assert.Equal(["start a1", "stop a1"], _simulator.Calls);
        Assert.Equal(["start a2", "send a2", "logout a2", "probe a2"], _west.Calls);

        // Placement follows the account's committed worker at the time of the call.
        _placement["a1"] = "west";
        await router.StopSessionAsync("a1", default);
        Assert.Equal("stop a1", _west.Calls[^1]);
    }

    [Fact]
    public async Task An_account_on_a_server_that_is_no_longer_configured_gets_an_error_that_says_what_to_do_and_never_a_send()
    {
        var router = Router();
        var error = await Assert.ThrowsAsync<WorkerUnavailableException>(() => router.StartSessionAsync(new SessionStartRequest("a3", 1, "/f", LinkMode.None, "972"), default));
        Assert.Contains("'gone', which is not configured", error.Message);
        Assert.Contains("move the account", error.Message);

        var send = await router.SendTextAsync("a3", "1", "hi", default);
        Assert.False(send.Accepted);
        Assert.False(await router.ProbeAsync("a3", default));
        Assert.Empty(_simulator.Calls.Concat(_west.Calls));
    }

    [Fact]
    public async Task Removing_a_session_goes_to_the_named_worker_even_after_the_account_moved()
    {
        var router = Router();
        _placement["a2"] = "simulator";
        await router.RemoveSessionAsync("west", "a2", default);
        Assert.Equal(["stop a2"], _west.Calls);
        Assert.Empty(_simulator.Calls);
        await router.RemoveSessionAsync("nowhere", "a2", default);
    }

    [Fact]
    public async Task Events_of_every_worker_come_out_of_one_channel()
    {
        var router = Router();
        using var stop = new CancellationTokenSource();
        await router.StartAsync(stop.Token);
        try
        {
            await _simulator.Channel.Writer.WriteAsync(new Authenticated("a1", 1));
            await _west.Channel.Writer.WriteAsync(new Authenticated("a2", 1));
            var seen = new HashSet<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (seen.Count < 2)
            {
                seen.Add((await router.Events.ReadAsync(timeout.Token)).AccountId);
            }

            Assert.Equal(["a1", "a2"], seen.Order());
        }
        finally
        {
            await router.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_single_worker_is_used_as_it_is_and_only_local_workers_are_listed_for_the_drift_check()
    {
        var single = new WorkerRouter([new EngineWorker("simulator", "Simulator", _simulator, null, null)], new StubEngineAccounts(), NullLogger<WorkerRouter>.Instance);
        Assert.Same(_simulator.Events, single.Events);
        Assert.Equal("simulator", single.DefaultWorkerId);
        Assert.False(single.IsRemote("anything"));

        // The recording engines are not gateways, so both count as local here.
        var listed = await Router().ListSessionsAsync(default);
        Assert.Equal(["simulator-session", "west-session"], listed.Select(s => s.AccountId).Order());
    }

    [Fact]
    public void Two_workers_with_the_same_id_are_refused_at_start()
    {
        var error = Assert.Throws<WorkerUnavailableException>(() => new WorkerRouter(
            [new EngineWorker("a", "Waha", _simulator, 1, "http://x"), new EngineWorker("A", "Waha", _west, 1, "http://y")], new StubEngineAccounts(), NullLogger<WorkerRouter>.Instance));
        Assert.Contains("'A'", error.Message);
    }
}
