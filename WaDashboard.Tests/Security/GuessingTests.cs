using System.Net;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>
/// Guessing keys and passwords costs the guesser: 429 with Retry-After once a client's failures are spent, the same
/// answer time whether or not the e-mail exists, and wrong passwords from a stranger never lock the owner out.
/// </summary>
public sealed class GuessingTests : IClassFixture<HardenedApp>
{
    private readonly HardenedApp _app;

    public GuessingTests(HardenedApp app) => _app = app;

    [Fact]
    public async Task A_burst_of_wrong_api_keys_is_answered_429_with_retry_after_and_other_clients_are_unaffected()
    {
        using var guesser = _app.Browser("10.1.0.1");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 200; i++)
        {
            last?.Dispose();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/accounts");
            request.Headers.Add("X-Api-Key", "wad_0123456789_" + Guid.NewGuid().ToString("N"));
            last = await guesser.SendAsync(request);
            statuses.Add(last.StatusCode);
        }

        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) == 5, string.Join(",", statuses.Select(s => (int)s)) + " " + await last!.Content.ReadAsStringAsync());
        Assert.Equal(195, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Contains("Too many", await last.Content.ReadAsStringAsync());
        last.Dispose();

        // The guesser's right key is refused too while it is throttled; everyone else's is not.
        using var rightKeyFromGuesser = new HttpRequestMessage(HttpMethod.Get, "/api/accounts");
        rightKeyFromGuesser.Headers.Add("X-Api-Key", _app.ApiKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.SendAsync(rightKeyFromGuesser)).StatusCode);
        using var someoneElse = _app.Browser("10.1.0.2");
        someoneElse.DefaultRequestHeaders.Add("X-Api-Key", _app.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await someoneElse.GetAsync("/api/accounts")).StatusCode);
        // A valid key that never fails is never throttled.
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await someoneElse.GetAsync("/api/accounts")).StatusCode);
        }
    }

    [Fact]
    public async Task Wrong_passwords_from_a_stranger_do_not_lock_the_admin_out()
    {
        var admin = $"admin-{Guid.NewGuid():N}@example.test";
        await _app.CreateUserAsync(admin, Roles.Admin);
        for (var i = 0; i < 3; i++)
        {
            var (wrong, _) = await _app.PostSignInAsync(admin, "not the password 1", client: "10.2.0.1");
            Assert.Contains("Wrong email or password", await wrong.Content.ReadAsStringAsync());
            wrong.Dispose();
        }

        // The stranger may not try this account any more, even with the right password…
        var (stranger, strangerCookies) = await _app.PostSignInAsync(admin, HardenedApp.Password, client: "10.2.0.1");
        Assert.DoesNotContain(DependencyInjection.CookieName, strangerCookies);
        Assert.Contains("Too many wrong passwords", await stranger.Content.ReadAsStringAsync());
        stranger.Dispose();

        // …and the admin, from their own machine, signs in at once.
        Assert.Contains(DependencyInjection.CookieName, await _app.SignInAsync(admin, client: "10.2.0.2"));
    }

    [Fact]
    public async Task A_burst_of_wrong_passwords_is_answered_429()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var (response, _) = await _app.PostSignInAsync($"nobody-{i}@example.test", "not the password 1", client: "10.3.0.1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }

            response.Dispose();
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) <= 5, string.Join(",", statuses));
    }
}
