using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WaDashboard.Core.Engines;

namespace WaDashboard.Tests.Unit;

/// <summary>The guard in front of every engine: a send for an account that is not connected never reaches the engine.</summary>
public sealed class EngineSendGuardTests
{
    private const string Account = "0123456789abcdef";

    private sealed class RecordingEngine : IWhatsAppEngine
    {
        private readonly Channel<EngineEvent> _events = Channel.CreateUnbounded<EngineEvent>();
        public List<(string Account, string To, string Text)> Sends { get; } = [];
        public int Stops { get; private set; }
        public string Name => "recording";
        public ChannelReader<EngineEvent> Events => _events.Reader;

        public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
        {
            Sends.Add((accountId, toDigits, text));
            return Task.FromResult(EngineSendResult.Sent("id-" + Sends.Count));
        }

        public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopSessionAsync(string accountId, CancellationToken cancellationToken)
        {
            Stops++;
            return Task.CompletedTask;
        }

        public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult<EngineSessionInfo?>(null);
        public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyCollection<EngineSessionInfo>>([]);
    }

    [Fact]
    public async Task A_send_for_an_account_that_is_not_connected_is_refused_counted_and_never_reaches_the_engine()
    {
        var engine = new RecordingEngine();
        var connected = false;
        var guard = new EngineSendGuard(engine, new StubEngineAccounts(connected: id => id == Account && connected), NullLogger<EngineSendGuard>.Instance);

        var refused = await guard.SendTextAsync(Account, "972500000001", "hello", CancellationToken.None);

        Assert.Equal((false, true, null), (refused.Accepted, refused.NotConnected, refused.MessageId));
        Assert.Contains("not connected", refused.Error);
        Assert.Empty(engine.Sends);
        Assert.Equal(1, guard.RefusedSends);

        connected = true;
        var sent = await guard.SendTextAsync(Account, "972500000001", "hello", CancellationToken.None);

        Assert.Equal((true, "id-1"), (sent.Accepted, sent.MessageId));
        Assert.Equal((Account, "972500000001", "hello"), Assert.Single(engine.Sends));
        Assert.Equal(1, guard.RefusedSends);
    }

    [Fact]
    public async Task Everything_but_sending_passes_through_unchanged()
    {
        var engine = new RecordingEngine();
        var guard = new EngineSendGuard(engine, new StubEngineAccounts(), NullLogger<EngineSendGuard>.Instance);

        await guard.StopSessionAsync(Account, CancellationToken.None);

        Assert.Equal(1, engine.Stops);
        Assert.Equal("recording", guard.Name);
        Assert.Same(engine.Events, guard.Events);
        Assert.Same(engine, guard.Inner);
    }
}
