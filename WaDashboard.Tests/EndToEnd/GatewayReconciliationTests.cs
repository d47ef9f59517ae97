using System.Net;
using System.Net.Http.Json;
using WaDashboard.Tests.Gateways.Waha;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The real app against a WAHA-like server whose webhooks never arrive: reconciliation alone keeps every account in
/// line — a scan, a server restart that leaves sessions FAILED — and a dashboard restart adopts a working session as it is.
/// </summary>
public sealed class GatewayReconciliationTests : EndToEndTest
{
    private readonly FakeWahaServer _server = FakeWahaServer.StartAsync().GetAwaiter().GetResult();

    protected override IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>
    {
        ["Engine__Kind"] = "Gateways",
        // No webhook URL: the server never calls back.
        ["Gateways__ReconcileInterval"] = "00:00:01",
        ["Gateways__QrPollInterval"] = "00:00:00.500",
        ["Gateways__Servers__0__Id"] = "gw-1",
        ["Gateways__Servers__0__Url"] = _server.Url,
        ["Gateways__Servers__0__ApiKey"] = _server.ApiKey,
        ["Gateways__Servers__0__Capacity"] = "10",
        ["Reconnect__BaseDelay"] = "00:00:01",
    };

    [Fact]
    public Task Without_webhooks_reconciliation_connects_recovers_a_failed_restart_and_a_dashboard_restart_adopts_the_session() => RunAsync(async () =>
    {
        using var http = new HttpClient { BaseAddress = App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", App.ApiKey);

        var account = await App.Api.AddAccountAsync("Reception", "+972508000001");
        var session = "wad_" + account.Id;
        using (var link = await http.PostAsJsonAsync($"api/accounts/{account.Id}/link", new { mode = "qr" }))
        {
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        }

        // The scan is only seen by reconciliation.
        _server.Scan(session, "972508000001", "Reception phone");
        await App.Api.WaitForStatusAsync(account.Id, "Connected");
        Assert.Equal(0, _server.WebhooksDelivered);

        // The gateway restarts and its sessions come back FAILED (no webhook): the dashboard sees it, and its own policy
        // restarts the session, which still holds its login.
        _server.Restart(sessionsIn: "FAILED");
        await App.Api.WaitForStatusAsync(account.Id, "Reconnecting");
        var reason = await http.GetStringAsync($"api/accounts/{account.Id}/disconnect-reason");
        Assert.Contains("FAILED", reason);
        await App.Api.WaitForStatusAsync(account.Id, "Connected");
        Assert.Equal("WORKING", _server.Status(session));
        Assert.Equal(1, _server.Count("POST", $"/api/sessions/{session}/restart"));

        // A dashboard restart finds the session WORKING and adopts it: no start, no restart, no QR.
        var startsBefore = _server.Count("POST", $"/api/sessions/{session}/start");
        var qrReadsBefore = _server.Count("GET", $"/api/{session}/auth/qr?format=raw");
        await App.RestartAsync();
        await App.Api.WaitForStatusAsync(account.Id, "Connected");
        Assert.Equal(startsBefore, _server.Count("POST", $"/api/sessions/{session}/start"));
        Assert.Equal(1, _server.Count("POST", $"/api/sessions/{session}/restart"));
        Assert.Equal(qrReadsBefore, _server.Count("GET", $"/api/{session}/auth/qr?format=raw"));
        Assert.Equal("WORKING", _server.Status(session));
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}
