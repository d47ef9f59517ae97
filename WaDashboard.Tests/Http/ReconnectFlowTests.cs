using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WaDashboard.Tests.Http;

/// <summary>An account's life over HTTP only, as an operator script drives it, with the simulator playing the phone.</summary>
public sealed class ReconnectFlowTestsOnSqlite(WebAppFactory factory) : ReconnectFlowTests<WebAppFactory>(factory);

public sealed class ReconnectFlowTestsOnPostgres(PostgresWebAppFactory factory) : ReconnectFlowTests<PostgresWebAppFactory>(factory);

public abstract class ReconnectFlowTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : WebAppFactory
{
    private const string Phone = "+972502000001";
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Link_connect_drop_recover_logout_and_relink_over_HTTP()
    {
        using var created = await _client.PostAsJsonAsync("/api/accounts", new { name = "Front desk", phone = Phone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // No session yet: reconnect starts a new one and answers with its first QR.
        var firstQr = await ReconnectExpectingQrAsync();

        using (var scan = await _client.PostAsync($"/api/simulator/accounts/{Phone}/scan", null))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        var connected = await WaitForStatusAsync(s => s.GetProperty("isConnected").GetBoolean(), "Connected after the scan");
        Assert.Equal("Connected", connected.GetProperty("connectionStatus").GetString());
        Assert.False(connected.GetProperty("isDisconnected").GetBoolean());
        Assert.False(connected.GetProperty("hasQRCode").GetBoolean());
        Assert.False(connected.GetProperty("canReconnect").GetBoolean());

        using (var again = await _client.PostAsync($"/api/accounts/{Phone}/reconnect", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            var refused = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(refused.GetProperty("success").GetBoolean());
            Assert.Equal("Connected", refused.GetProperty("status").GetString());
            Assert.Contains("Already connected", refused.GetProperty("message").GetString());
        }

        // The automatic retry after the drop would otherwise reconnect within a few hundred milliseconds; a slow start
        // keeps the account disconnected for 2 s so that the reason can be read while it applies.
        await InjectAsync(new { kind = "slow-start", seconds = 2 });
        await InjectAsync(new { kind = "drop", code = "408" });

        var dropped = await WaitForReasonAsync(r => r.GetProperty("disconnect_reason").GetString() == "Timeout", "the 408 drop to be reported");
        Assert.False(dropped.GetProperty("connected").GetBoolean());
        Assert.True(dropped.GetProperty("logged_in").GetBoolean());
        Assert.Contains(dropped.GetProperty("status").GetString(), new[] { "Reconnecting", "Starting" });
        Assert.True(dropped.GetProperty("reconnecting").GetBoolean());
        Assert.True(dropped.GetProperty("can_auto_reconnect").GetBoolean());
        Assert.True(dropped.GetProperty("auto_reconnect_enabled").GetBoolean());
        Assert.Equal(1, dropped.GetProperty("consecutive_failures").GetInt32());
        Assert.Contains("408", dropped.GetProperty("last_error").GetString());
        Assert.Equal("408", dropped.GetProperty("raw_code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(dropped.GetProperty("explanation").GetString()));

        var listed = Assert.Single((await _client.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray());
        Assert.Equal("Timeout", listed.GetProperty("disconnect_reason").GetString());
        Assert.Contains("408", listed.GetProperty("last_error").GetString());

        await WaitForStatusAsync(s => s.GetProperty("isConnected").GetBoolean(), "the automatic reconnect after the drop");
        var recovered = await _client.GetFromJsonAsync<JsonElement>($"/api/accounts/{Phone}/disconnect-reason");
        Assert.True(recovered.GetProperty("connected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, recovered.GetProperty("disconnect_reason").ValueKind);
        Assert.Equal(0, recovered.GetProperty("consecutive_failures").GetInt32());

        // The phone removes the linked device.
        await InjectAsync(new { kind = "logout" });

        var loggedOut = await WaitForReasonAsync(r => r.GetProperty("status").GetString() == "LoggedOut", "the logout to be reported");
        Assert.Equal("LoggedOut", loggedOut.GetProperty("disconnect_reason").GetString());
        Assert.False(loggedOut.GetProperty("can_auto_reconnect").GetBoolean());
        Assert.False(loggedOut.GetProperty("logged_in").GetBoolean());
        Assert.False(loggedOut.GetProperty("reconnecting").GetBoolean());
        Assert.Contains("401", loggedOut.GetProperty("last_error").GetString());
        Assert.Contains("Relink", loggedOut.GetProperty("operator_action").GetString());
        var afterLogout = await _client.GetFromJsonAsync<JsonElement>($"/api/accounts/{Phone}/status");
        Assert.True(afterLogout.GetProperty("isDisconnected").GetBoolean());
        Assert.True(afterLogout.GetProperty("canReconnect").GetBoolean());

        // The saved session is unusable: reconnect relinks with a fresh QR.
        var freshQr = await ReconnectExpectingQrAsync();
        Assert.NotEqual(firstQr, freshQr);
    }

    /// <summary>POST reconnect, expecting 200 with a QR as a PNG data URL; returns the raw QR value.</summary>
    private async Task<string> ReconnectExpectingQrAsync()
    {
        using var response = await _client.PostAsync($"/api/accounts/{Phone}/reconnect", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("AwaitingQrScan", body.GetProperty("status").GetString());
        Assert.Contains("Scan this QR code", body.GetProperty("message").GetString());
        AccountsApiTests<WebAppFactory>.AssertPngDataUrl(body.GetProperty("qr_code").GetString());
        var raw = body.GetProperty("qr_raw").GetString()!;
        Assert.StartsWith("2@", raw);
        return raw;
    }

    private async Task InjectAsync(object fault)
    {
        using var response = await _client.PostAsJsonAsync($"/api/simulator/accounts/{Phone}/faults", fault);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("success").GetBoolean());
    }

    private Task<JsonElement> WaitForStatusAsync(Func<JsonElement, bool> predicate, string what) =>
        WebAppFactory.PollAsync(_client, $"/api/accounts/{Phone}/status", predicate, what);

    private Task<JsonElement> WaitForReasonAsync(Func<JsonElement, bool> predicate, string what) =>
        WebAppFactory.PollAsync(_client, $"/api/accounts/{Phone}/disconnect-reason", predicate, what);
}
