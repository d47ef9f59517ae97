using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WaDashboard.Tests.Gateways.Waha;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The real app driving three WAHA-like servers (in this test process) with different capacities: placement, linking
/// through the gateway with its signed webhooks reaching the app over HTTP, moving an account, the Servers page.
/// </summary>
public sealed class GatewayFleetTests : EndToEndTest
{
    private const string WebhookSecret = "7Hq2x9Lm4Pz8Rk1Vw6Ty3Nc5Bd0Fg";
    private readonly FakeWahaServer[] _servers;

    public GatewayFleetTests()
    {
        // Started before the app, which is configured with their addresses.
        _servers = Enumerable.Range(0, 3).Select(_ => FakeWahaServer.StartAsync().GetAwaiter().GetResult()).ToArray();
    }

    private FakeWahaServer Server(string id) => _servers[id[^1] - 'a'];

    protected override IReadOnlyDictionary<string, string> AppSettings
    {
        get
        {
            var settings = new Dictionary<string, string>
            {
                ["Engine__Kind"] = "Gateways",
                ["Gateways__WebhookBaseUrl"] = AppProcess.AppUrlPlaceholder,
                ["Security__Webhooks__Secret"] = WebhookSecret,
                // Long enough that only a webhook can bring a change in the time a test waits.
                ["Gateways__ReconcileInterval"] = "00:10:00",
                ["Gateways__QrPollInterval"] = "00:00:00.500",
            };
            var capacities = new[] { 2, 3, 4 };
            for (var i = 0; i < 3; i++)
            {
                settings[$"Gateways__Servers__{i}__Id"] = $"gw-{(char)('a' + i)}";
                settings[$"Gateways__Servers__{i}__Url"] = _servers[i].Url;
                settings[$"Gateways__Servers__{i}__ApiKey"] = _servers[i].ApiKey;
                settings[$"Gateways__Servers__{i}__Capacity"] = capacities[i].ToString();
            }

            return settings;
        }
    }

    private HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", App.ApiKey);
        return http;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public Task Accounts_spread_by_free_capacity_link_through_the_gateway_and_move_with_a_relink() => RunAsync(async () =>
    {
        using var http = Client();

        // Six accounts without a server: the most free places first (ties: the larger server).
        var placed = new List<(string Id, string Worker)>();
        for (var i = 0; i < 6; i++)
        {
            var account = await JsonAsync(await http.PostAsJsonAsync("api/accounts", new { name = $"Desk {i}", phone = $"+97250700000{i}" }), HttpStatusCode.Created);
            placed.Add((account.GetProperty("id").GetString()!, account.GetProperty("worker_id").GetString()!));
        }

        Assert.Equal(["gw-c", "gw-c", "gw-b", "gw-c", "gw-b", "gw-a"], placed.Select(p => p.Worker));

        // A server can be named; a full one is refused with what to do, and nothing is added.
        await JsonAsync(await http.PostAsJsonAsync("api/accounts", new { name = "On a", phone = "+972507000010", worker_id = "gw-a" }), HttpStatusCode.Created);
        var refused = await JsonAsync(await http.PostAsJsonAsync("api/accounts", new { name = "Too many", phone = "+972507000011", worker_id = "gw-a" }), HttpStatusCode.BadRequest);
        Assert.Contains("'gw-a' is full (2 of 2", refused.GetRawText());
        var gateways = await JsonAsync(await http.GetAsync("api/gateways"), HttpStatusCode.OK);
        Assert.Equal([("gw-a", 2, 2), ("gw-b", 2, 3), ("gw-c", 3, 4)],
            gateways.EnumerateArray().Select(g => (g.GetProperty("worker_id").GetString()!, g.GetProperty("accounts").GetInt32(), g.GetProperty("capacity").GetInt32())));

        // Linking runs on the account's own server: its QR comes from there, and the scan arrives as a signed webhook.
        var (id, worker) = placed[0];
        var server = Server(worker);
        var session = "wad_" + id;
        await JsonAsync(await http.PostAsJsonAsync($"api/accounts/{id}/link", new { mode = "qr" }), HttpStatusCode.OK);
        Assert.Equal("SCAN_QR_CODE", server.Status(session));
        var qr = await RequestJsonAsync(http, $"api/accounts/{id}/qr");
        Assert.Equal(1, qr.GetProperty("index").GetInt32());
        Assert.Equal(server.Config(session)?["metadata"]?["wadashboard.account"]?.GetValue<string>(), id);
        server.Scan(session, "972507000000", "Desk phone");
        await App.Api.WaitForStatusAsync(id, "Connected");
        Assert.True(server.WebhooksDelivered > 0, "the WORKING status came by webhook");
        var reason = await JsonAsync(await http.GetAsync($"api/accounts/{id}/disconnect-reason"), HttpStatusCode.OK);
        Assert.Equal(worker, reason.GetProperty("worker_id").GetString());

        // Moving to a server with room: the old session is removed there and the account needs a new link.
        var moved = await JsonAsync(await http.PostAsJsonAsync($"api/accounts/{id}/move", new { worker_id = "gw-b" }), HttpStatusCode.OK);
        Assert.True(moved.GetProperty("needs_relink").GetBoolean());
        Assert.Equal("gw-b", moved.GetProperty("worker_id").GetString());
        Assert.Equal("New", moved.GetProperty("status").GetString());
        Assert.Null(server.Status(session));
        var full = await JsonAsync(await http.PostAsJsonAsync($"api/accounts/{placed[1].Id}/move", new { worker_id = "gw-b" }), HttpStatusCode.Conflict);
        Assert.Contains("full", full.GetProperty("message").GetString());

        // Linked again on the new server.
        await JsonAsync(await http.PostAsJsonAsync($"api/accounts/{id}/link", new { mode = "qr" }), HttpStatusCode.OK);
        Server("gw-b").Scan(session, "972507000000", "Desk phone");
        await App.Api.WaitForStatusAsync(id, "Connected");

        // The Servers page shows each server's load and what a server holds, including a session someone else made there.
        Server("gw-b").AddSession("default", "WORKING", hasLogin: true, meId: "972509999999@c.us");
        const string leftBehind = "wad_00000000000000aa";
        Server("gw-b").AddSession(leftBehind, "STOPPED", hasLogin: true);
        var page = await Browser.OpenAsync(UrlOf("gateways"), "#workers tr[data-worker='gw-b'] .wa-list-sessions");
        await Expect(page.Locator("#workers tr[data-worker='gw-b'] .wa-worker-load")).ToContainTextAsync("3 of 3");
        await Expect(page.Locator("#workers tr[data-worker='gw-c'] .wa-worker-load")).ToContainTextAsync("2 of 4");
        await page.Locator("#workers tr[data-worker='gw-b'] .wa-list-sessions").ClickAsync();
        await Expect(page.Locator($"#server-sessions tr[data-session='{session}']")).ToHaveAttributeAsync("data-managed", "yes");
        await Expect(page.Locator("#server-sessions tr[data-session='default']")).ToHaveAttributeAsync("data-managed", "no");
        await Expect(page.Locator("#server-sessions tr[data-session='default']")).ToContainTextAsync("Not created by this dashboard");
        await Expect(page.Locator("#server-sessions tr[data-session='default'] .wa-remove-session")).ToHaveCountAsync(0);
        await Expect(page.Locator($"#server-sessions tr[data-session='{session}'] .wa-remove-session")).ToHaveCountAsync(0);
        var leftRow = page.Locator($"#server-sessions tr[data-session='{leftBehind}']");
        await Expect(leftRow).ToContainTextAsync("no longer exists");
        await leftRow.Locator(".wa-remove-session").ClickAsync();
        await Expect(page.Locator("#gateways-message")).ToContainTextAsync($"Session {leftBehind} removed from gw-b.");
        await Expect(leftRow).ToHaveCountAsync(0);
        Assert.Null(Server("gw-b").Status(leftBehind));
        Assert.Equal("WORKING", Server("gw-b").Status("default"));
        var foreign = await http.DeleteAsync("api/gateways/gw-b/sessions/default");
        Assert.Equal(HttpStatusCode.Conflict, foreign.StatusCode);
        Assert.Contains("not created by this dashboard", await foreign.Content.ReadAsStringAsync());

        // On an account's page a person sees its server, and is told before a move that it means linking again.
        var (lastId, lastWorker) = placed[5];
        Assert.Equal("gw-a", lastWorker);
        var accountPage = await Browser.OpenAsync(UrlOf($"accounts/{lastId}"), "#move-start");
        await Expect(accountPage.Locator("#worker-id")).ToHaveTextAsync("gw-a");
        await accountPage.Locator("#move-target").ClickAsync();
        await accountPage.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "gw-c" }).ClickAsync();
        await accountPage.Locator("#move-start").ClickAsync();
        await Expect(accountPage.Locator("#move-confirm")).ToContainTextAsync("means linking again");
        await accountPage.Locator("#move-confirm-yes").ClickAsync();
        await Expect(accountPage.Locator("#worker-id")).ToHaveTextAsync("gw-c");
        await Expect(accountPage.Locator("#command-message")).ToContainTextAsync("Moved to gw-c");
        Assert.Equal("gw-c", (await JsonAsync(await http.GetAsync($"api/accounts/{lastId}"), HttpStatusCode.OK)).GetProperty("worker_id").GetString());
    });

    private static async Task<JsonElement> RequestJsonAsync(HttpClient http, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await http.SendAsync(request);
        return await JsonAsync(response, HttpStatusCode.OK);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }
}
