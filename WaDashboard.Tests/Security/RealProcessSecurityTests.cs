using System.Net;
using System.Text;
using WaDashboard.Tests.EndToEnd;

namespace WaDashboard.Tests.Security;

/// <summary>Limits and start-up checks that only the real process (Kestrel, configuration from the environment) shows.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RealProcessSecurityTests
{
    [Fact]
    public async Task A_request_body_over_the_configured_limit_is_refused_before_anything_is_created()
    {
        await using var app = await AppProcess.StartAsync(new AppProcessOptions { Settings = new Dictionary<string, string> { ["Security__MaxRequestBodyKb"] = "64" } });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", app.ApiKey);
        var padding = new string('x', 100 * 1024);

        using var tooBig = await http.PostAsync("/api/accounts", new StringContent(
            $"{{\"name\":\"Big\",\"phone\":\"+972508100001\",\"padding\":\"{padding}\"}}", Encoding.UTF8, "application/json"));
        using var small = await http.PostAsync("/api/accounts", new StringContent(
            "{\"name\":\"Small\",\"phone\":\"+972508100002\",\"padding\":\"x\"}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/accounts/%2B972508100001")).StatusCode);
    }

    [Theory]
    [InlineData("Security__ApiKeys__ci__Key", "changeme", "looks like a placeholder")]
    [InlineData("Security__ApiKeys__ci__Key", "", "is empty")]
    [InlineData("Security__ApiKeys__ci__Key", "short-but-random-9f", "at least 24")]
    [InlineData("Security__Webhooks__Secret", "<your webhook secret here>", "looks like a placeholder")]
    public async Task The_app_refuses_to_start_with_an_empty_or_placeholder_secret(string setting, string value, string expected)
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => AppProcess.StartAsync(new AppProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                [setting] = value,
                ["Security__ApiKeys__ci__Role"] = "Operator",
            },
        }));

        Assert.Contains("exited", failure.Message);
        Assert.Contains(expected, failure.Message);
        Assert.Contains(setting.Replace("__", ":", StringComparison.Ordinal), failure.Message);
    }
}
