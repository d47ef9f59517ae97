using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;

namespace WaDashboard.Tests.Http;

/// <summary>What a browser or a monitor gets outside the API: the prerendered dashboard and the health check.</summary>
public sealed class AppShellTests(WebAppFactory factory) : IClassFixture<WebAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Healthz_returns_200_Healthy_with_the_fleet_check()
    {
        using var response = await _client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var fleet = health.GetProperty("checks").GetProperty("fleet");
        Assert.Equal("Healthy", fleet.GetProperty("status").GetString());
        Assert.Contains("database reachable", fleet.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Home_page_is_the_prerendered_accounts_page_with_the_Blazor_script()
    {
        using var created = await _client.PostAsJsonAsync("/api/accounts", new { name = "Shown on the page", phone = "+972505000001" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var response = await _client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        using var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Accounts · WaDashboard", page.Title);
        Assert.Equal("Accounts", page.QuerySelector("h1")?.TextContent);
        Assert.Equal("1", page.QuerySelector("#fleet-summary [data-count=total]")?.TextContent);
        // The virtualized grid draws its rows once the circuit measures the viewport (the bUnit and browser tests check the
        // rows); the prerendered page already carries the grid and the fleet's counts.
        Assert.NotNull(page.QuerySelector("#accounts-grid"));
        Assert.Contains(page.Scripts, s => s.Source == "_framework/blazor.web.js");
    }
}
