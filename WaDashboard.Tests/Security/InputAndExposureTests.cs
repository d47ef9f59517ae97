using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>Bad input gets a problem that names the field, never internals; cross-site forms and spoofing names are refused; viewers see less.</summary>
public sealed class InputAndExposureTests : IClassFixture<HardenedApp>
{
    private readonly HardenedApp _app;

    public InputAndExposureTests(HardenedApp app) => _app = app;

    [Theory]
    [InlineData("/api/accounts", "{\"name\":", "name", "not valid JSON")]
    [InlineData("/api/accounts", "{\"name\":42,\"phone\":\"+972501234567\"}", "name", "expected a string")]
    [InlineData("/api/simulator/accounts/%2B972501230000/faults", "{\"kind\":\"drop\",\"code\":408}", "code", "expected a string")]
    public async Task Malformed_json_is_answered_with_the_field_at_fault_and_nothing_internal(string url, string body, string field, string expected)
    {
        using var client = _app.CreateClient();
        (await client.PostAsJsonAsync("/api/accounts", new { name = "Faults", phone = "+972501230000" })).Dispose();

        using var response = await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains($"'{field}'", detail);
        Assert.True(detail.Contains(expected, StringComparison.Ordinal), detail);
        foreach (var leak in new[] { _app.ApiKey, "X-Api-Key", "   at ", "Exception", "System.", "Microsoft." })
        {
            Assert.DoesNotContain(leak, text);
        }
    }

    [Theory]
    [InlineData("Clinic \u202Eexe.gnp\u202C")]
    [InlineData("adm\u200Bin")]
    [InlineData("null\0byte")]
    [InlineData("esc\u001B[31mred")]
    public async Task Names_that_reorder_hide_or_steer_text_are_refused(string name)
    {
        using var client = _app.CreateClient();
        using var account = await client.PostAsJsonAsync("/api/accounts", new { name, phone = "+97250777" + Random.Shared.Next(1000, 9999) });
        Assert.Equal(HttpStatusCode.BadRequest, account.StatusCode);
        Assert.Contains("invisible or control character", await account.Content.ReadAsStringAsync());
        var keys = _app.Services.GetService(typeof(ApiKeyService)) as ApiKeyService;
        await Assert.ThrowsAsync<ArgumentException>(() => keys!.CreateAsync(name, Roles.Viewer, "tests", CancellationToken.None));
    }

    [Fact]
    public async Task A_cross_site_form_cannot_drive_the_api_with_the_sign_in_cookie()
    {
        var email = $"operator-{Guid.NewGuid():N}@example.test";
        await _app.CreateUserAsync(email, Roles.Operator);
        var cookie = await _app.SignInAsync(email);
        using var admin = _app.CreateClient();
        using var created = await admin.PostAsJsonAsync("/api/accounts", new { name = "Target", phone = "+972501110001" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" });
        using var http = _app.Browser();
        using var forged = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{id}/stop") { Content = form };
        forged.Headers.Add("Cookie", cookie);
        forged.Headers.Add("Origin", "http://evil.example");
        using var crossSite = await http.SendAsync(forged);
        using var noHeader = await _app.WithCookieAsync(cookie, HttpMethod.Post, $"/api/accounts/{id}/stop", sameSiteHeader: false);
        using var ownPage = await _app.WithCookieAsync(cookie, HttpMethod.Post, $"/api/accounts/{id}/stop");

        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, noHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownPage.StatusCode);
    }

    [Fact]
    public async Task A_viewer_can_neither_force_a_collection_nor_see_where_sessions_live_on_disk()
    {
        var (_, viewerKey) = await ((ApiKeyService)_app.Services.GetService(typeof(ApiKeyService))!).CreateAsync("viewer-" + Guid.NewGuid().ToString("N")[..8], Roles.Viewer, "tests", CancellationToken.None);
        using var admin = _app.CreateClient();
        (await admin.PostAsJsonAsync("/api/accounts", new { name = "Paths", phone = "+972501120001" })).Dispose();
        using var viewer = _app.Browser("10.5.0.1");
        viewer.DefaultRequestHeaders.Add("X-Api-Key", viewerKey);

        using var collect = await viewer.GetAsync("/api/diagnostics/process?collect=true");
        using var plain = await viewer.GetAsync("/api/diagnostics/process");
        var asViewer = await viewer.GetStringAsync("/api/accounts/%2B972501120001/session-info");
        var asAdmin = await admin.GetStringAsync("/api/accounts/%2B972501120001/session-info");

        Assert.Equal(HttpStatusCode.Forbidden, collect.StatusCode);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.DoesNotContain(_app.DataDirectory, asViewer);
        Assert.Contains("\"path\":\"sessions/", asViewer);
        Assert.Contains(_app.DataDirectory, asAdmin);
    }
}
