using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WaDashboard.Tests.Http;

/// <summary>The simulator endpoints: the simulated phone's scan, injected faults, received messages.</summary>
public sealed class SimulatorApiTestsOnSqlite(WebAppFactory factory) : SimulatorApiTests<WebAppFactory>(factory);

public sealed class SimulatorApiTestsOnPostgres(PostgresWebAppFactory factory) : SimulatorApiTests<PostgresWebAppFactory>(factory);

public abstract class SimulatorApiTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : WebAppFactory
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Scan_with_nothing_on_screen_returns_409_saying_to_ask_for_a_code_first()
    {
        await CreateAsync("+972503000001");

        using var response = await _client.PostAsync("/api/simulator/accounts/+972503000001/scan", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Nothing to scan", problem.GetProperty("title").GetString());
        Assert.Contains("Ask for one first", problem.GetProperty("detail").GetString());
        var account = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972503000001");
        Assert.Equal("New", account.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_fault_kind_returns_400_listing_the_kinds()
    {
        await CreateAsync("+972503000002");

        using var response = await _client.PostAsJsonAsync("/api/simulator/accounts/+972503000002/faults", new { kind = "meteor" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("'meteor' is not a fault", detail);
        Assert.Contains("drop, logout, replace, ban, corrupt, slow-start", detail);
    }

    [Fact]
    public async Task A_fault_delay_outside_a_day_returns_400()
    {
        await CreateAsync("+972503000003");

        using var response = await _client.PostAsJsonAsync("/api/simulator/accounts/+972503000003/faults", new { kind = "slow-start", seconds = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("between 0 and 86400", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("logout", "+972503000004", "no live session")]
    [InlineData("drop", "+972503000005", "no live session")]
    [InlineData("corrupt", "+972503000006", "no creds.json")]
    public async Task A_fault_that_does_not_apply_returns_409_with_what_to_do(string kind, string phone, string why)
    {
        await CreateAsync(phone);

        using var response = await _client.PostAsJsonAsync($"/api/simulator/accounts/{phone}/faults", new { kind });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Fault not applicable", problem.GetProperty("title").GetString());
        Assert.Contains(why, problem.GetProperty("detail").GetString());
        Assert.Contains("link it first", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Only_a_drop_applies_while_a_QR_waits_and_it_expires_the_QR()
    {
        await CreateAsync("+972503000007");
        using var link = await _client.PostAsJsonAsync("/api/accounts/+972503000007/link", new { mode = "qr" });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);

        using var logout = await _client.PostAsJsonAsync("/api/simulator/accounts/+972503000007/faults", new { kind = "logout" });
        Assert.Equal(HttpStatusCode.Conflict, logout.StatusCode);
        Assert.Contains("only a drop", (await logout.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        using var drop = await _client.PostAsJsonAsync("/api/simulator/accounts/+972503000007/faults", new { kind = "drop" });
        Assert.Equal(HttpStatusCode.OK, drop.StatusCode);
        Assert.Equal("Injected drop.", (await drop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        var expired = await WebAppFactory.PollAsync(_client, "/api/accounts/+972503000007",
            a => a.GetProperty("status").GetString() == "QrExpired", "the QR to expire after the drop");
        Assert.Equal("QR expired", expired.GetProperty("status_label").GetString());
        Assert.Contains("ask for a new QR code", expired.GetProperty("next_step").GetString());
    }

    [Fact]
    public async Task A_ban_until_a_time_is_reported_and_reconnect_is_refused_while_it_lasts()
    {
        await CreateAsync("+972503000008");
        await ConnectAsync("+972503000008");
        var until = DateTimeOffset.UtcNow.AddHours(2);

        using var ban = await _client.PostAsJsonAsync("/api/simulator/accounts/+972503000008/faults", new { kind = "ban", until });
        Assert.Equal(HttpStatusCode.OK, ban.StatusCode);

        var banned = await WebAppFactory.PollAsync(_client, "/api/accounts/+972503000008/disconnect-reason",
            r => r.GetProperty("status").GetString() == "Banned", "the ban to be reported");
        Assert.Equal("Banned", banned.GetProperty("disconnect_reason").GetString());
        Assert.False(banned.GetProperty("can_auto_reconnect").GetBoolean());
        using var reconnect = await _client.PostAsync("/api/accounts/+972503000008/reconnect", null);
        Assert.Equal(HttpStatusCode.Conflict, reconnect.StatusCode);
        var refused = await reconnect.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Equal("Banned", refused.GetProperty("status").GetString());
        Assert.Contains("banned until", refused.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Messages_returns_what_the_simulated_network_received_for_the_account()
    {
        await CreateAsync("+972503000009");

        using var response = await _client.GetAsync("/api/simulator/accounts/+972503000009/messages");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Array, messages.ValueKind);
        Assert.Equal(0, messages.GetArrayLength());
    }

    private Task CreateAsync(string phone) => WebAppFactory.CreateAccountAsync(_client, "Simulated " + phone[^2..], phone);

    private Task ConnectAsync(string phone) => WebAppFactory.ConnectAsync(_client, phone);
}
