using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Health;
using WaDashboard.Core.Persistence;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>
/// A database that cannot keep a write is noticed: /healthz unhealthy, a banner on every page, an alert, and REST
/// writes refused with 503 instead of 201/202 for changes that would be lost (issue: with the files deleted, new
/// accounts and messages were accepted and gone after a restart).
/// </summary>
public sealed class DatabaseFailureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Deleting_the_database_files_makes_health_fail_refuses_writes_with_503_and_raises_an_alert()
    {
        await using var app = new HardenedApp();
        using var client = app.CreateClient();
        using (var before = await client.PostAsJsonAsync("/api/accounts", new { name = "Before", phone = "+972502220001" }))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var email = $"viewer-{Guid.NewGuid():N}@example.test";
        await app.CreateUserAsync(email, Roles.Viewer);
        var cookie = await app.SignInAsync(email);

        foreach (var file in Directory.GetFiles(app.DataDirectory, "wadashboard.db*"))
        {
            File.Delete(file);
        }

        var health = await WaitForAsync(client, "/healthz", HttpStatusCode.ServiceUnavailable, "gone");
        Assert.Contains("Unhealthy", health);

        using var account = await client.PostAsJsonAsync("/api/accounts", new { name = "Lost", phone = "+972502220002" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, account.StatusCode);
        Assert.NotNull(account.Headers.RetryAfter);
        Assert.Contains("cannot take writes", await account.Content.ReadAsStringAsync());
        using var message = await client.PostAsJsonAsync("/api/accounts/%2B972502220001/messages", new { to = "+972502229999", text = "lost" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, message.StatusCode);
        Assert.Null(app.Services.GetRequiredService<WaDashboard.Core.Sessions.Fleet>().Find("+972502220002"));

        Assert.Contains(app.Services.GetRequiredService<AlertCenter>().Recent, a => a.AccountName == DatabaseAlerts.Source && a.Message.Contains("cannot take writes"));
        using var page = await app.WithCookieAsync(cookie, HttpMethod.Get, "/");
        Assert.Contains("id=\"database-banner\"", await page.Content.ReadAsStringAsync());
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void A_probe_finding_outlives_a_commit_that_succeeded_and_a_successful_probe_clears_everything()
    {
        var now = DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var cases = new (DatabaseHealthState From, DatabaseObservation Observed, bool CanWrite)[]
        {
            (DatabaseHealthState.Healthy, new CommitSucceeded(), true),
            (DatabaseHealthState.Healthy, new CommitFailed("readonly"), false),
            (DatabaseHealthState.Healthy, new ProbeFailed("gone"), false),
            (DatabaseHealthState.Healthy.After(new ProbeFailed("gone"), now), new CommitSucceeded(), false),
            (DatabaseHealthState.Healthy.After(new CommitFailed("readonly"), now), new CommitSucceeded(), true),
            (DatabaseHealthState.Healthy.After(new CommitFailed("readonly"), now), new ProbeSucceeded(), true),
            (DatabaseHealthState.Healthy.After(new ProbeFailed("gone"), now).After(new CommitFailed("x"), now), new ProbeSucceeded(), true),
        };
        foreach (var (from, observed, canWrite) in cases)
        {
            var next = from.After(observed, now.AddSeconds(5));
            Assert.Equal(canWrite, next.CanWrite);
            Assert.Equal(canWrite ? null : from.FailingSince ?? now.AddSeconds(5), next.FailingSince);
        }
    }

    private static async Task<string> WaitForAsync(HttpClient client, string url, HttpStatusCode wanted, string saying)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await client.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == wanted && text.Contains(saying, StringComparison.Ordinal))
            {
                return text;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} still answers {(int)response.StatusCode} {text}");
            }

            await Task.Delay(100);
        }
    }
}
