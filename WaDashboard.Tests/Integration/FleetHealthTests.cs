using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Health;
using WaDashboard.Core.Reconnect;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Integration;

public sealed class FleetHealthTests : IDisposable
{
    private readonly TempDirectory _dir = new("health");

    [Fact]
    public async Task A_zombie_session_that_fails_its_probe_is_closed_restarted_and_alerted()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var account = await core.AddConnectedAsync("+972509100001", "Zombie");
        Assert.Equal(0, await core.Monitor.CheckAsync(CancellationToken.None)); // healthy: the probe answers

        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Zombie)));
        Assert.False(await core.Simulator.ProbeAsync(account.Id, CancellationToken.None));
        Assert.Equal(AccountStatus.Connected, core.Fleet.Get(account.Id)!.Status); // it still says connected

        Assert.Equal(1, await core.Monitor.CheckAsync(CancellationToken.None));

        var restarted = await core.WaitForAsync(account.Id, s => s.Status != AccountStatus.Connected, "the zombie to be closed");
        Assert.Equal(DisconnectReason.KeepAliveTimeout, restarted.Reason);
        Assert.Contains(core.Alerts.Recent, a => a.AccountId == account.Id && a.Message.Contains("Zombie", StringComparison.Ordinal));
        var back = await core.AdvanceUntilAsync(account.Id, s => s.IsConnected, "Connected again with a live session");
        Assert.Equal(1, back.Generation);
        Assert.True(await core.Simulator.ProbeAsync(account.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Alerts_reach_the_configured_webhook_signed_so_the_receiver_can_verify_them()
    {
        const string secret = "4f9b2c8e1a7d3f6b0c5e9a2d8f1b7c3e";
        var received = new ConcurrentQueue<(string Signature, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/alerts", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            received.Enqueue((request.Headers["X-Webhook-Hmac"].ToString(), buffer.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var url = receiver.Urls.Single() + "/alerts";

        await using var core = await CoreHarness.StartAsync(_dir.Path, settings: new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = url,
            ["Alerts:WebhookSecret"] = secret,
        });
        var account = await core.AddConnectedAsync("+972509200001", "Front desk");
        core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Logout));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var (signature, body) = Assert.Single(received);
        Assert.Equal(WebhookSignatureVerifier.Sign(body, secret), signature); // the receiver's own check
        Assert.NotEqual(WebhookSignatureVerifier.Sign(body, secret + "x"), signature);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("alert", json.RootElement.GetProperty("event").GetString());
        Assert.Equal(account.Id, json.RootElement.GetProperty("account").GetProperty("id").GetString());
        Assert.Equal("Front desk", json.RootElement.GetProperty("account").GetProperty("name").GetString());
        Assert.Contains("logged out", json.RootElement.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(json.RootElement.GetProperty("timestamp").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task The_health_report_counts_states_disconnects_attempts_and_scores()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path);
        var steady = await core.AddConnectedAsync("+972509300001", "Steady");
        var flaky = await core.AddConnectedAsync("+972509300002", "Flaky");
        var gone = await core.AddConnectedAsync("+972509300003", "Gone");
        await core.AdvanceAsync(TimeSpan.FromHours(2), TimeSpan.FromMinutes(1));

        for (var i = 0; i < 2; i++)
        {
            core.Simulator.InjectFault(flaky.Id, new SimulatorFault(SimulatorFaultKind.Drop, "428"));
            await core.WaitForAsync(flaky.Id, s => s.Status == AccountStatus.Reconnecting, "Reconnecting");
            await core.AdvanceUntilAsync(flaky.Id, s => s.IsConnected, "Connected again");
        }

        core.Simulator.InjectFault(gone.Id, new SimulatorFault(SimulatorFaultKind.Logout));
        await core.WaitForAsync(gone.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");
        await core.AdvanceAsync(TimeSpan.FromHours(2), TimeSpan.FromMinutes(1));

        var snapshot = await core.Services.GetRequiredService<FleetHealthReport>().BuildAsync(CancellationToken.None);

        Assert.Equal(2, snapshot.ByState.Single(s => s.State == "Connected").Count);
        Assert.Equal(1, snapshot.ByState.Single(s => s.State == "LoggedOut").Count);
        var flakyTimeline = await core.Fleet.GetTimelineAsync(flaky.Id, 50, CancellationToken.None);
        Assert.True(snapshot.DisconnectsPerHour.Where(h => h.Series == "ConnectionLost").Sum(h => h.Count) == 2,
            "disconnects by series: " + string.Join(", ", snapshot.DisconnectsPerHour.Select(h => $"{h.Hour:HH:mm} {h.Series}={h.Count}")) +
            "; flaky timeline: " + string.Join(" | ", flakyTimeline.Select(e => $"{e.At:HH:mm:ss.fff} {e.From}->{e.To} {e.Reason} {e.RawCode}")));
        Assert.Equal(1, snapshot.DisconnectsPerHour.Where(h => h.Series == "LoggedOut").Sum(h => h.Count));
        Assert.DoesNotContain(snapshot.DisconnectsPerHour, h => h.Series == "RestartRequired"); // pairing restarts are not disconnects
        Assert.Equal(2, snapshot.ReconnectAttemptsPerHour.Sum(h => h.Count));
        Assert.Equal(gone.Id, Assert.Single(snapshot.LongestDown).AccountId);

        var scores = snapshot.Accounts.ToDictionary(a => a.AccountId);
        Assert.Equal(100, scores[steady.Id].Score);
        Assert.Equal(2, scores[flaky.Id].Disconnects24h);
        Assert.InRange(scores[flaky.Id].Score, 85, 90);     // 100 × ~99.9% uptime − 10 for two disconnects
        Assert.InRange(scores[gone.Id].Uptime24h, 0.45, 0.55); // connected about half of its 4 h life
        Assert.True(scores[gone.Id].Score < scores[flaky.Id].Score);

        // A critical storage finding (a creds.json that parses but lacks its keys) costs the still-connected account 25
        // points. (A cut-off creds.json of a connected account would be "could not check": the engine may be writing it.)
        SessionFixtures.StripKeysFromCreds(Path.Combine(_dir.Path, "sessions", steady.Id, steady.Generation.ToString()));
        var withFinding = await core.Services.GetRequiredService<FleetHealthReport>().BuildAsync(CancellationToken.None);
        Assert.Equal(75, withFinding.Accounts.Single(a => a.AccountId == steady.Id).Score);
    }

    public void Dispose() => _dir.Dispose();
}
