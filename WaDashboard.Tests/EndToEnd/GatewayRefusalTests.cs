using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WaDashboard.Tests.Gateways.Waha;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The real app on a server that behaves as WAHA Core does (only the session "default"; any other name gets 422
/// OnlyDefaultSessionIsAllowed, src/core/manager.core.ts): a link is refused at once, in the API and on the page, with
/// WAHA's words and what to do, and nothing is left starting.
/// </summary>
public sealed class GatewayRefusalTests : EndToEndTest
{
    private readonly FakeWahaServer _core = FakeWahaServer.StartAsync(engine: "NOWEB", core: true).GetAwaiter().GetResult();

    protected override IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>
    {
        ["Engine__Kind"] = "Gateways",
        ["Gateways__Servers__0__Id"] = "gw-core",
        ["Gateways__Servers__0__Url"] = _core.Url,
        ["Gateways__Servers__0__ApiKey"] = _core.ApiKey,
        ["Gateways__Servers__0__Capacity"] = "5",
        ["Gateways__QrPollInterval"] = "00:00:00.500",
    };

    [Fact]
    public Task A_link_WAHA_Core_refuses_is_a_failure_the_operator_sees_at_once_in_the_API_and_on_the_page() => RunAsync(async () =>
    {
        using var http = new HttpClient { BaseAddress = App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", App.ApiKey);
        var created = await http.PostAsJsonAsync("api/accounts", new { name = "Front desk", phone = "+972507000001" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var started = DateTime.UtcNow;
        var link = await http.PostAsJsonAsync($"api/accounts/{id}/link", new { mode = "qr" });
        var answer = await link.Content.ReadAsStringAsync();
        Assert.True(link.StatusCode == HttpStatusCode.Conflict, $"link answered {(int)link.StatusCode}: {answer}");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the refusal is the answer, not something found later");
        var body = JsonDocument.Parse(answer).RootElement;
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Contains("WAHA Core support only 'default' session", body.GetProperty("message").GetString());
        Assert.Contains("named sessions need WAHA Plus", body.GetProperty("message").GetString());
        Assert.Null(_core.Status("wad_" + id));
        var account = JsonDocument.Parse(await http.GetStringAsync($"api/accounts/{id}")).RootElement;
        Assert.Equal("New", account.GetProperty("status").GetString());

        var page = await Browser.OpenAsync(UrlOf($"accounts/{id}"), "#link-qr");
        await page.Locator("#link-qr").ClickAsync();
        await Expect(page.Locator("#command-message")).ToContainTextAsync("named sessions need WAHA Plus");
        await Expect(page.Locator("#command-message")).ToContainTextAsync("WAHA Core support only 'default' session");
        Assert.Null(_core.Status("wad_" + id));
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _core.DisposeAsync();
    }
}
