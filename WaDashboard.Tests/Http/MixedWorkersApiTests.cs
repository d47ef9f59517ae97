using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using WaDashboard.Tests.Gateways.Waha;

namespace WaDashboard.Tests.Http;

/// <summary>The simulator and a WAHA gateway side by side in one app: each account runs where it is placed.</summary>
public sealed class MixedWorkersApiTests : IAsyncLifetime
{
    private FakeWahaServer _server = null!;
    private MixedFactory _factory = null!;

    private sealed class MixedFactory(FakeWahaServer server) : WebAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Engine:Kind"] = "Simulator",
                ["Gateways:Servers:0:Id"] = "waha-1",
                ["Gateways:Servers:0:Url"] = server.Url,
                ["Gateways:Servers:0:ApiKey"] = server.ApiKey,
                ["Gateways:Servers:0:Capacity"] = "5",
                ["Gateways:ReconcileInterval"] = "00:00:01",
                ["Gateways:QrPollInterval"] = "00:00:00.200",
            }));
        }
    }

    public async Task InitializeAsync()
    {
        _server = await FakeWahaServer.StartAsync();
        _factory = new MixedFactory(_server);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> WaitForStatusAsync(HttpClient client, string id, string status)
    {
        var deadline = DateTime.UtcNow + WebAppFactory.Patience;
        while (true)
        {
            var account = await JsonAsync(await client.GetAsync($"/api/accounts/{id}"), HttpStatusCode.OK);
            if (account.GetProperty("status").GetString() == status || DateTime.UtcNow > deadline)
            {
                Assert.Equal(status, account.GetProperty("status").GetString());
                return account;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Simulator_and_gateway_accounts_coexist_and_each_links_where_it_runs()
    {
        using var client = _factory.CreateClient();

        // Without a choice a new account goes to the gateway; the simulator is taken when asked for.
        var onGateway = await JsonAsync(await client.PostAsJsonAsync("/api/accounts", new { name = "Real", phone = "+972509100001" }), HttpStatusCode.Created);
        var onSimulator = await JsonAsync(await client.PostAsJsonAsync("/api/accounts", new { name = "Practice", phone = "+972509100002", worker_id = "simulator" }), HttpStatusCode.Created);
        Assert.Equal("waha-1", onGateway.GetProperty("worker_id").GetString());
        Assert.Equal("simulator", onSimulator.GetProperty("worker_id").GetString());
        var unknown = await JsonAsync(await client.PostAsJsonAsync("/api/accounts", new { name = "Lost", phone = "+972509100003", worker_id = "waha-9" }), HttpStatusCode.BadRequest);
        Assert.Contains("There is no server 'waha-9'. Choose one of: simulator, waha-1", unknown.GetRawText());

        var gatewayId = onGateway.GetProperty("id").GetString()!;
        var simulatorId = onSimulator.GetProperty("id").GetString()!;
        await JsonAsync(await client.PostAsJsonAsync($"/api/accounts/{gatewayId}/link", new { mode = "qr" }), HttpStatusCode.OK);
        await JsonAsync(await client.PostAsJsonAsync($"/api/accounts/{simulatorId}/link", new { mode = "qr" }), HttpStatusCode.OK);

        // The simulated phone scans only simulator accounts; the gateway's session lives on the gateway.
        Assert.Equal("SCAN_QR_CODE", _server.Status("wad_" + gatewayId));
        Assert.Null(_server.Status("wad_" + simulatorId));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/simulator/accounts/{gatewayId}/scan", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/simulator/accounts/{simulatorId}/scan", null)).StatusCode);
        await WaitForStatusAsync(client, simulatorId, "Connected");
        Assert.Equal("AwaitingQrScan", (await JsonAsync(await client.GetAsync($"/api/accounts/{gatewayId}"), HttpStatusCode.OK)).GetProperty("status").GetString());

        _server.Scan("wad_" + gatewayId);
        await WaitForStatusAsync(client, gatewayId, "Connected");

        // Session storage applies to the local session only.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/accounts/{simulatorId}/session-info")).StatusCode);
        var remote = await client.GetAsync($"/api/accounts/{gatewayId}/session-info");
        Assert.Equal(HttpStatusCode.Conflict, remote.StatusCode);
        Assert.Contains("kept on the gateway server waha-1", await remote.Content.ReadAsStringAsync());

        var servers = await JsonAsync(await client.GetAsync("/api/gateways"), HttpStatusCode.OK);
        Assert.Equal([("simulator", 1), ("waha-1", 1)], servers.EnumerateArray().Select(s => (s.GetProperty("worker_id").GetString()!, s.GetProperty("accounts").GetInt32())));
    }
}
