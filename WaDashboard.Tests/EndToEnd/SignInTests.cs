using Microsoft.Playwright;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>Signing in, out, first-run setup and lockout in a real browser against the real process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignInTests : EndToEndTest
{
    protected override bool SignInFirst => false;

    private async Task<IPage> SignInAsync(string email, string password, string path = "/")
    {
        var page = await Browser.Context.NewPageAsync();
        await page.GotoAsync(UrlOf(path).ToString());
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-submit");
        return page;
    }

    [Fact]
    public Task The_setup_link_works_once_then_sign_out_and_direct_urls_lead_to_sign_in_and_the_cookie_survives_a_restart() => RunAsync(async () =>
    {
        var link = App.SetupLink()!;
        var anonymous = await Browser.Context.NewPageAsync();
        await anonymous.GotoAsync(UrlOf("/accounts/0123456789abcdef").ToString());
        await Expect(anonymous).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login\\?ReturnUrl="));

        await CreateFirstAdminAsync();
        var reused = await Browser.Context.NewPageAsync();
        await reused.GotoAsync(link.ToString());
        await Expect(reused.Locator("#setup-invalid")).ToBeVisibleAsync();
        Assert.Equal(0, await reused.Locator("#setup-form").CountAsync());

        Assert.Equal(0, await App.RestartAsync());
        var afterRestart = await Browser.OpenAsync(UrlOf("/"), "#add-account");
        await Expect(afterRestart.Locator("#current-user")).ToHaveTextAsync(AdminEmail);
        // A user exists: the restarted app printed no new setup link (the only one is from the first start).
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(App.OutputTail(2000), "/account/setup\\?token="));

        await afterRestart.ClickAsync("#sign-out");
        await Expect(afterRestart).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));
        await afterRestart.GotoAsync(UrlOf("/").ToString());
        await Expect(afterRestart).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));

        var again = await SignInAsync(AdminEmail, AdminPassword, "/admin/audit");
        await Expect(again.Locator("#audit")).ToBeVisibleAsync();
        await Expect(again.Locator("#audit tr[data-action='user.signin']").First).ToBeVisibleAsync();
        await Expect(again.Locator("#audit tr[data-action='user.signout']").First).ToBeVisibleAsync();
    });

    [Fact]
    public Task Repeated_wrong_passwords_stop_that_client_trying_the_account_even_with_the_right_one() => RunAsync(async () =>
    {
        await CreateFirstAdminAsync();
        await Browser.Context.ClearCookiesAsync();

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var wrong = await SignInAsync(AdminEmail, "not the password 1");
            await Expect(wrong.Locator("#login-error")).ToBeVisibleAsync();
            await wrong.CloseAsync();
        }

        var locked = await SignInAsync(AdminEmail, AdminPassword);
        // Only this client is stopped (see GuessingTests: the owner elsewhere still signs in); the account is not locked.
        await Expect(locked.Locator("#login-error")).ToContainTextAsync("Too many wrong passwords");
        Assert.Equal(0, await locked.Locator("#current-user").CountAsync());
    });

    [Fact]
    public Task A_viewer_sees_the_accounts_but_no_action_and_no_admin_page() => RunAsync(async () =>
    {
        await CreateFirstAdminAsync();
        var account = await App.Api.AddAccountAsync("Look only", "+972508200001");
        var users = await Browser.OpenAsync(UrlOf("/admin/users"), "#add-user");
        await users.FillAsync("#new-user-email", "viewer@example.test");
        await users.FillAsync("#new-user-password", "viewer password 42");
        await users.ClickAsync("#new-user-role");
        await users.ClickAsync(".mud-popover-open .mud-list-item:has-text('Viewer')");
        await Expect(users.Locator("#new-user-role")).ToHaveValueAsync("Viewer"); // the select applies a choice asynchronously, as a person sees it
        await users.ClickAsync("#add-user");
        await Expect(users.Locator("#users-message")).ToContainTextAsync("can now sign in as Viewer");
        await Browser.Context.ClearCookiesAsync();

        var viewer = await SignInAsync("viewer@example.test", "viewer password 42");
        await Expect(viewer.Locator("#current-role")).ToHaveTextAsync("Viewer");
        await Expect(viewer.Locator($"#accounts-grid .wa-row[data-account-id='{account.Id}']")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("#add-account").CountAsync());
        Assert.Equal(0, await viewer.Locator("#bulk-reconnect").CountAsync());

        await viewer.GotoAsync(UrlOf($"/accounts/{account.Id}").ToString());
        await Expect(viewer.Locator("#view-only")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("#account-actions").CountAsync());
        Assert.Equal(0, await viewer.Locator("#simulator-panel").CountAsync());

        await viewer.GotoAsync(UrlOf("/admin/users").ToString());
        await Expect(viewer.Locator("#not-allowed")).ToBeVisibleAsync();
        Assert.Equal(0, await viewer.Locator("#add-user").CountAsync());
    });
}
