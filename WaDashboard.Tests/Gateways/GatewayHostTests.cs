using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Tests.Gateways;

/// <summary>The host runs every gateway server's background work and awaits all of it when it stops.</summary>
public sealed class GatewayHostTests
{
    private sealed class RecordingServer(string id, bool fails = false) : IGatewayServer
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Ended { get; private set; }
        public GatewayServerOptions Server { get; } = new() { Id = id, Url = "http://127.0.0.1:1" };
        public GatewayContact Contact => new(id, GatewayReachability.Unknown, null, null, null, 0, 0);
        public string Name => id;
        public System.Threading.Channels.ChannelReader<EngineEvent> Events => throw new NotSupportedException();

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            if (fails)
            {
                throw new InvalidOperationException("broken");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                // The host must wait for this to finish before it reports stopped.
                await Task.Delay(50, CancellationToken.None);
                Ended = true;
            }
        }

        public Task HandleWebhookAsync(JsonElement body, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task ReconcileAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<GatewaySession>> ListServerSessionsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string?> CheckLinkAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
        public Task DeleteSessionAsync(string accountId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task StopSessionAsync(string accountId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Every_server_runs_until_the_host_stops_and_the_stop_waits_for_all_of_them()
    {
        var one = new RecordingServer("waha-1");
        var two = new RecordingServer("waha-2");
        var broken = new RecordingServer("waha-3", fails: true);
        using var host = new GatewayHost([one, two, broken], NullLogger<GatewayHost>.Instance);

        await host.StartAsync(CancellationToken.None);
        await Task.WhenAll(one.Started.Task, two.Started.Task, broken.Started.Task).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(host.ExecuteTask!.IsCompleted); // one broken server does not end the others

        await host.StopAsync(CancellationToken.None);

        Assert.True(one.Ended && two.Ended);
        Assert.True(host.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Without_gateway_servers_the_host_has_nothing_to_do()
    {
        using var host = new GatewayHost([], NullLogger<GatewayHost>.Instance);
        await host.StartAsync(CancellationToken.None);
        // On .NET 10 StartAsync runs ExecuteAsync on the thread pool: it ends by itself, without a stop.
        await host.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(host.ExecuteTask.IsCompletedSuccessfully);
        await host.StopAsync(CancellationToken.None);
    }
}
