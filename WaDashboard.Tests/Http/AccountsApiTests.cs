using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WaDashboard.Tests.Http;

/// <summary>The accounts REST API over HTTP against the real app. Every test uses its own phone numbers.</summary>
public sealed class AccountsApiTestsOnSqlite(WebAppFactory factory) : AccountsApiTests<WebAppFactory>(factory);

public sealed class AccountsApiTestsOnPostgres(PostgresWebAppFactory factory) : AccountsApiTests<PostgresWebAppFactory>(factory);

public abstract class AccountsApiTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : WebAppFactory
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Create_returns_201_with_the_new_account_and_its_location()
    {
        using var response = await _client.PostAsJsonAsync("/api/accounts", new { name = "  Clinic reception ", phone = "+972 50-100-0001" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var account = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = account.GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f]{16}$", id);
        Assert.Equal("Clinic reception", account.GetProperty("name").GetString());
        Assert.Equal("+972501000001", account.GetProperty("phone").GetString());
        Assert.Equal("New", account.GetProperty("status").GetString());
        Assert.Equal("Not linked", account.GetProperty("status_label").GetString());
        Assert.False(account.GetProperty("connected").GetBoolean());
        Assert.Equal("/api/accounts/%2B972501000001", response.Headers.Location?.OriginalString);

        var byPhone = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000001");
        var byId = await _client.GetFromJsonAsync<JsonElement>($"/api/accounts/{id}");
        var byLocation = await _client.GetFromJsonAsync<JsonElement>(response.Headers.Location);
        Assert.Equal(id, byPhone.GetProperty("id").GetString());
        Assert.Equal(id, byId.GetProperty("id").GetString());
        Assert.Equal(id, byLocation.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("0501234567", "does not start with '+'")]
    [InlineData("+97250abc", "contains 'a'")]
    [InlineData("+1234", "has 4 digits")]
    public async Task Create_with_an_invalid_phone_returns_400_explaining_E164(string phone, string why)
    {
        var before = (await ListPhonesAsync()).Count;

        using var response = await _client.PostAsJsonAsync("/api/accounts", new { name = "Bad phone", phone });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(why, detail);
        Assert.Contains("E.164", detail);
        Assert.Contains("E.164", problem.GetProperty("errors").GetProperty("phone")[0].GetString());
        Assert.Equal(before, (await ListPhonesAsync()).Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task Create_without_a_name_returns_400_asking_for_one(string? name)
    {
        using var response = await _client.PostAsJsonAsync("/api/accounts", new { name, phone = "+972501000002" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("name is required", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.DoesNotContain("+972501000002", await ListPhonesAsync());
    }

    [Fact]
    public async Task Create_with_a_phone_already_used_in_another_notation_returns_409()
    {
        await CreateAsync("First", "+972501000003");

        using var response = await _client.PostAsJsonAsync("/api/accounts", new { name = "Second", phone = "+972 (50) 100-0003" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("+972501000003", problem.GetProperty("detail").GetString());
        Assert.Single(await ListPhonesAsync(), "+972501000003");
        var kept = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000003");
        Assert.Equal("First", kept.GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_returns_every_account_with_status_last_error_and_disconnect_reason()
    {
        var created = await CreateAsync("Listed", "+972501000004");

        var accounts = await _client.GetFromJsonAsync<JsonElement>("/api/accounts");

        Assert.Equal(JsonValueKind.Array, accounts.ValueKind);
        var listed = Assert.Single(accounts.EnumerateArray(), a => a.GetProperty("id").GetString() == created.GetProperty("id").GetString());
        Assert.Equal("+972501000004", listed.GetProperty("phone").GetString());
        Assert.Equal("New", listed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("last_error").ValueKind);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("disconnect_reason").ValueKind);
    }

    [Fact]
    public async Task Delete_returns_204_and_removes_the_account_and_its_session_folder()
    {
        var created = await CreateAsync("To delete", "+972501000005");
        var id = created.GetProperty("id").GetString()!;
        await ConnectAsync("+972501000005");
        var sessionFolder = Path.Combine(factory.DataDirectory, "sessions", id);
        Assert.True(Directory.Exists(sessionFolder), $"the linked session should be stored under {sessionFolder}");

        using var deleted = await _client.DeleteAsync("/api/accounts/+972501000005");
        using var byPhone = await _client.GetAsync("/api/accounts/+972501000005");
        using var byId = await _client.GetAsync($"/api/accounts/{id}");
        using var again = await _client.DeleteAsync("/api/accounts/+972501000005");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byPhone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.DoesNotContain("+972501000005", await ListPhonesAsync());
        Assert.False(Directory.Exists(sessionFolder));
    }

    /// <summary>Every route that takes {phone}; {0} stands for it.</summary>
    public static TheoryData<string, string> AccountRoutes => new()
    {
        { "GET", "/api/accounts/{0}" },
        { "DELETE", "/api/accounts/{0}" },
        { "GET", "/api/accounts/{0}/status" },
        { "GET", "/api/accounts/{0}/disconnect-reason" },
        { "GET", "/api/accounts/{0}/qr" },
        { "GET", "/api/accounts/{0}/timeline" },
        { "POST", "/api/accounts/{0}/reconnect" },
        { "POST", "/api/accounts/{0}/link" },
        { "POST", "/api/accounts/{0}/logout" },
        { "POST", "/api/accounts/{0}/stop" },
        { "POST", "/api/simulator/accounts/{0}/scan" },
        { "POST", "/api/simulator/accounts/{0}/faults" },
        { "GET", "/api/simulator/accounts/{0}/messages" },
    };

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task A_malformed_phone_in_the_route_returns_400_explaining_E164(string method, string route)
    {
        foreach (var malformed in new[] { "abc", "0501234567" })
        {
            using var response = await SendAsync(method, string.Format(route, malformed));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Malformed phone number", problem.GetProperty("title").GetString());
            Assert.Contains("E.164", problem.GetProperty("detail").GetString());
            Assert.Contains(malformed, problem.GetProperty("detail").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(AccountRoutes))]
    public async Task An_unknown_but_valid_phone_in_the_route_returns_404_saying_how_to_find_accounts(string method, string route)
    {
        using var response = await SendAsync(method, string.Format(route, "+972509999999"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unknown account", problem.GetProperty("title").GetString());
        Assert.Contains("+972509999999", problem.GetProperty("detail").GetString());
        Assert.Contains("GET /api/accounts", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_account_id_in_the_route_returns_404_not_a_phone_format_error()
    {
        using var response = await _client.GetAsync("/api/accounts/0123456789abcdef");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unknown account", problem.GetProperty("title").GetString());
        Assert.Contains("0123456789abcdef", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_route_accepts_a_phone_in_another_notation_when_url_encoded()
    {
        var created = await CreateAsync("Notation", "+972501000006");

        var found = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/%2B972%2050-100-0006");

        Assert.Equal(created.GetProperty("id").GetString(), found.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_new_account_reports_no_reason_no_QR_and_that_it_can_be_reconnected()
    {
        await CreateAsync("Fresh", "+972501000007");

        var reason = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000007/disconnect-reason");
        var status = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000007/status");
        using var qr = await _client.GetAsync("/api/accounts/+972501000007/qr");

        Assert.Equal("+972501000007", reason.GetProperty("phone").GetString());
        Assert.False(reason.GetProperty("connected").GetBoolean());
        Assert.False(reason.GetProperty("logged_in").GetBoolean());
        Assert.Equal("New", reason.GetProperty("status").GetString());
        Assert.False(reason.GetProperty("reconnecting").GetBoolean());
        Assert.Equal(JsonValueKind.Null, reason.GetProperty("last_error").ValueKind);
        Assert.Equal(JsonValueKind.Null, reason.GetProperty("disconnect_reason").ValueKind);
        Assert.False(reason.GetProperty("can_auto_reconnect").GetBoolean());
        Assert.True(reason.GetProperty("auto_reconnect_enabled").GetBoolean());
        Assert.Equal(0, reason.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal("simulator", reason.GetProperty("worker_id").GetString());
        foreach (var field in new[] { "raw_code", "raw_text", "explanation", "operator_action", "next_attempt_at" })
        {
            Assert.Equal(JsonValueKind.Null, reason.GetProperty(field).ValueKind);
        }

        Assert.Equal("New", status.GetProperty("connectionStatus").GetString());
        Assert.False(status.GetProperty("isConnected").GetBoolean());
        Assert.True(status.GetProperty("isDisconnected").GetBoolean());
        Assert.False(status.GetProperty("hasQRCode").GetBoolean());
        Assert.True(status.GetProperty("canReconnect").GetBoolean());

        Assert.Equal(HttpStatusCode.NotFound, qr.StatusCode);
        var problem = await qr.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No QR code", problem.GetProperty("title").GetString());
        Assert.Contains("/reconnect", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Link_with_QR_serves_the_QR_as_PNG_or_as_JSON_until_the_phone_scans_it()
    {
        await CreateAsync("QR link", "+972501000008");

        using var link = await _client.PostAsJsonAsync("/api/accounts/+972501000008/link", new { mode = "qr" });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var linked = await link.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(linked.GetProperty("success").GetBoolean());
        Assert.Equal("AwaitingQrScan", linked.GetProperty("status").GetString());
        var raw = linked.GetProperty("qr_raw").GetString()!;

        using var png = await _client.GetAsync("/api/accounts/+972501000008/qr");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngSignature, (await png.Content.ReadAsByteArrayAsync())[..8]);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/accounts/+972501000008/qr");
        request.Headers.Accept.ParseAdd("application/json");
        using var json = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var qr = await json.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(raw, qr.GetProperty("qr").GetString());
        AssertPngDataUrl(qr.GetProperty("qr_code").GetString());
        Assert.Equal(1, qr.GetProperty("index").GetInt32());
        Assert.Equal(6, qr.GetProperty("total").GetInt32());
        Assert.True(qr.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddSeconds(30));

        var status = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000008/status");
        Assert.True(status.GetProperty("hasQRCode").GetBoolean());
        Assert.False(status.GetProperty("isDisconnected").GetBoolean());

        using var again = await _client.PostAsJsonAsync("/api/accounts/+972501000008/link", new { mode = "qr" });
        var joined = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(raw, joined.GetProperty("qr_raw").GetString());

        using var scan = await _client.PostAsync("/api/simulator/accounts/+972501000008/scan", null);
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        Assert.True((await scan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
        await WaitUntilConnectedAsync("+972501000008");

        using var gone = await _client.GetAsync("/api/accounts/+972501000008/qr");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("connected", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Link_with_a_pairing_code_returns_the_code_and_a_scan_connects()
    {
        await CreateAsync("Pairing", "+972501000009");

        using var link = await _client.PostAsJsonAsync("/api/accounts/+972501000009/link", new { mode = "pairing-code" });

        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        var body = await link.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("AwaitingPairingCode", body.GetProperty("status").GetString());
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{4}-[1-9A-HJ-NP-TV-Z]{4}$", body.GetProperty("pairing_code").GetString());
        Assert.False(body.TryGetProperty("qr_code", out _));

        using var scan = await _client.PostAsync("/api/simulator/accounts/+972501000009/scan", null);
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        await WaitUntilConnectedAsync("+972501000009");

        using var linkAgain = await _client.PostAsJsonAsync("/api/accounts/+972501000009/link", new { mode = "qr" });
        Assert.Equal(HttpStatusCode.Conflict, linkAgain.StatusCode);
        var refused = await linkAgain.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Contains("already connected", refused.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Link_with_an_unknown_mode_returns_400_naming_the_modes()
    {
        await CreateAsync("Odd mode", "+972501000010");

        using var response = await _client.PostAsJsonAsync("/api/accounts/+972501000010/link", new { mode = "carrier-pigeon" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("pairing-code", problem.GetProperty("detail").GetString());
        var account = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000010");
        Assert.Equal("New", account.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stop_keeps_the_session_and_reconnect_restores_it_without_a_QR()
    {
        await CreateAsync("Stop and start", "+972501000011");
        await ConnectAsync("+972501000011");

        using var stop = await _client.PostAsync("/api/accounts/+972501000011/stop", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var stopped = await stop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(stopped.GetProperty("success").GetBoolean());
        Assert.Equal("Stopped", stopped.GetProperty("status").GetString());
        var reason = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000011/disconnect-reason");
        Assert.True(reason.GetProperty("logged_in").GetBoolean());

        using var reconnect = await _client.PostAsync("/api/accounts/+972501000011/reconnect", null);

        Assert.Equal(HttpStatusCode.OK, reconnect.StatusCode);
        var restarted = await reconnect.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(restarted.GetProperty("success").GetBoolean());
        Assert.Equal("Starting", restarted.GetProperty("status").GetString());
        Assert.Contains("saved session", restarted.GetProperty("message").GetString());
        Assert.False(restarted.TryGetProperty("qr_code", out _));
        Assert.False(restarted.TryGetProperty("qr_raw", out _));
        await WaitUntilConnectedAsync("+972501000011");
    }

    [Fact]
    public async Task Force_reconnect_restarts_a_connected_account_with_its_saved_session()
    {
        await CreateAsync("Forced", "+972501000012");
        await ConnectAsync("+972501000012");

        using var response = await _client.PostAsync("/api/accounts/+972501000012/reconnect?force=true", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Starting", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("qr_code", out _));
        await WaitUntilConnectedAsync("+972501000012");
    }

    [Fact]
    public async Task Logout_ends_the_session_and_says_how_to_relink()
    {
        await CreateAsync("Logout", "+972501000013");
        await ConnectAsync("+972501000013");

        using var response = await _client.PostAsync("/api/accounts/+972501000013/logout", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("LoggedOut", body.GetProperty("status").GetString());
        Assert.Contains("fresh QR", body.GetProperty("message").GetString());
        var reason = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972501000013/disconnect-reason");
        Assert.Equal("LoggedOut", reason.GetProperty("disconnect_reason").GetString());
        Assert.False(reason.GetProperty("logged_in").GetBoolean());
        Assert.False(reason.GetProperty("can_auto_reconnect").GetBoolean());
    }

    [Fact]
    public async Task Timeline_lists_the_transitions_of_the_account()
    {
        await CreateAsync("Timeline", "+972501000014");
        await ConnectAsync("+972501000014");

        // The store writes in batches; the entry for Connected lands shortly after the state.
        var timeline = await WebAppFactory.PollAsync(_client, "/api/accounts/+972501000014/timeline",
            t => t.EnumerateArray().Any(e => e.GetProperty("to").GetString() == "Connected"), "a timeline entry to Connected");

        var targets = timeline.EnumerateArray().Select(e => e.GetProperty("to").GetString()).ToList();
        Assert.Contains("New", targets);
        Assert.Contains("AwaitingQrScan", targets);
        Assert.Contains("Connected", targets);
        Assert.All(timeline.EnumerateArray(), e => Assert.Equal(JsonValueKind.String, e.GetProperty("at").ValueKind));
    }

    private Task<JsonElement> CreateAsync(string name, string phone) => WebAppFactory.CreateAccountAsync(_client, name, phone);

    private Task ConnectAsync(string phone) => WebAppFactory.ConnectAsync(_client, phone);

    private Task<JsonElement> WaitUntilConnectedAsync(string phone) =>
        WebAppFactory.PollAsync(_client, $"/api/accounts/{phone}/status", s => s.GetProperty("isConnected").GetBoolean(), $"{phone} to connect");

    private async Task<List<string>> ListPhonesAsync()
    {
        var accounts = await _client.GetFromJsonAsync<JsonElement>("/api/accounts");
        return accounts.EnumerateArray().Select(a => a.GetProperty("phone").GetString()!).ToList();
    }

    private Task<HttpResponseMessage> SendAsync(string method, string url) =>
        _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

    internal static void AssertPngDataUrl(string? dataUrl)
    {
        const string prefix = "data:image/png;base64,";
        Assert.NotNull(dataUrl);
        Assert.StartsWith(prefix, dataUrl);
        Assert.Equal(PngSignature, Convert.FromBase64String(dataUrl[prefix.Length..])[..8]);
    }
}
