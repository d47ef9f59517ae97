using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WaDashboard.Tests.Http;

public sealed class SlowStartApiTests(SlowStartWebAppFactory factory) : IClassFixture<SlowStartWebAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Reconnect_answers_202_with_retryIn_while_the_QR_is_not_ready()
    {
        using var created = await _client.PostAsJsonAsync("/api/accounts", new { name = "Slow", phone = "+972504000001" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var started = DateTime.UtcNow;
        using var response = await _client.PostAsync("/api/accounts/+972504000001/reconnect", null);
        var waited = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("not ready yet", body.GetProperty("message").GetString());
        Assert.Equal(3000, body.GetProperty("retryIn").GetInt32());
        Assert.InRange(waited, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(9));

        var status = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972504000001/status");
        Assert.Equal("Starting", status.GetProperty("connectionStatus").GetString());
        Assert.False(status.GetProperty("hasQRCode").GetBoolean());
        Assert.False(status.GetProperty("isDisconnected").GetBoolean());
        using var qr = await _client.GetAsync("/api/accounts/+972504000001/qr");
        Assert.Equal(HttpStatusCode.NotFound, qr.StatusCode);
    }
}
