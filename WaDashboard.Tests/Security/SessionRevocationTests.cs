using System.Net;
using System.Net.Http.Json;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>
/// A sign-in cookie copied before the session ended must stop working within seconds: after sign-out, a password or
/// role change, a disabled user and an admin's "sign out everywhere" (issue: a saved cookie still listed and created
/// accounts after sign-out).
/// </summary>
public sealed class SessionRevocationTests : IClassFixture<HardenedApp>
{
    private static readonly TimeSpan Revalidation = TimeSpan.FromSeconds(1);
    private readonly HardenedApp _app;

    public SessionRevocationTests(HardenedApp app) => _app = app;

    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    /// <summary>Polls with the saved cookie until it is refused; fails if it still works well past the revalidation interval.</summary>
    private async Task AssertRefusedSoonAsync(string cookie)
    {
        var deadline = DateTime.UtcNow + Revalidation + TimeSpan.FromSeconds(4);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            using var list = await _app.WithCookieAsync(cookie, HttpMethod.Get, "/api/accounts");
            status = list.StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        using var create = await _app.WithCookieAsync(cookie, HttpMethod.Post, "/api/accounts",
            JsonContent.Create(new { name = "After the end", phone = "+972509900" + Random.Shared.Next(100, 999) }));
        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
    }

    [Fact]
    public async Task A_cookie_saved_before_sign_out_is_refused_within_seconds_of_it()
    {
        var email = NewEmail("operator");
        await _app.CreateUserAsync(email, Roles.Operator);
        var saved = await _app.SignInAsync(email);
        using (var before = await _app.WithCookieAsync(saved, HttpMethod.Get, "/api/accounts"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _app.SignOutAsync(saved);

        await AssertRefusedSoonAsync(saved);
    }

    [Theory]
    [InlineData("sign-out-everywhere")]
    [InlineData("role")]
    [InlineData("disable")]
    public async Task An_admins_change_to_a_user_ends_that_users_existing_sessions(string change)
    {
        var admin = NewEmail("admin");
        var user = NewEmail("operator");
        await _app.CreateUserAsync(admin, Roles.Admin);
        await _app.CreateUserAsync(user, Roles.Operator);
        var adminCookie = await _app.SignInAsync(admin);
        var saved = await _app.SignInAsync(user);

        using var done = change switch
        {
            "role" => await _app.WithCookieAsync(adminCookie, HttpMethod.Put, $"/api/users/{user}/role", JsonContent.Create(new { role = Roles.Viewer })),
            _ => await _app.WithCookieAsync(adminCookie, HttpMethod.Post, $"/api/users/{user}/{change}"),
        };
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        await AssertRefusedSoonAsync(saved);
        using var stillAdmin = await _app.WithCookieAsync(adminCookie, HttpMethod.Get, "/api/accounts");
        Assert.Equal(HttpStatusCode.OK, stillAdmin.StatusCode);
    }

    [Fact]
    public async Task A_password_change_ends_the_users_other_sessions()
    {
        var email = NewEmail("viewer");
        await _app.CreateUserAsync(email, Roles.Viewer);
        var laptop = await _app.SignInAsync(email);
        var phone = await _app.SignInAsync(email, client: "10.0.0.2");

        using var changed = await _app.WithCookieAsync(laptop, HttpMethod.Post, "/api/me/password",
            JsonContent.Create(new { current = HardenedApp.Password, @new = "another long password 43" }));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        await AssertRefusedSoonAsync(phone);
        Assert.Contains(DependencyInjection.CookieName, await _app.SignInAsync(email, "another long password 43"));
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_gets_the_same_answer_as_a_wrong_password()
    {
        var admin = NewEmail("admin");
        var user = NewEmail("operator");
        await _app.CreateUserAsync(admin, Roles.Admin);
        await _app.CreateUserAsync(user, Roles.Operator);
        var adminCookie = await _app.SignInAsync(admin);
        using (var disabled = await _app.WithCookieAsync(adminCookie, HttpMethod.Post, $"/api/users/{user}/disable"))
        {
            Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        }

        var (response, cookies) = await _app.PostSignInAsync(user, HardenedApp.Password, client: "10.0.0.9");
        var (wrong, _) = await _app.PostSignInAsync(user, "not the password 1", client: "10.0.0.10");

        Assert.DoesNotContain(DependencyInjection.CookieName, cookies);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
        Assert.Contains("Wrong email or password", await wrong.Content.ReadAsStringAsync());
        response.Dispose();
        wrong.Dispose();
    }
}
