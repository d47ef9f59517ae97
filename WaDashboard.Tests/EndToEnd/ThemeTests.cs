namespace WaDashboard.Tests.EndToEnd;

/// <summary>The light/dark switch is remembered for the person: across reloads, sign-outs and on the server-rendered page.</summary>
public sealed class ThemeTests : EndToEndTest
{
    [Fact]
    public Task DarkTheme_ChosenOnce_IsServedDarkAfterReload_AndAfterSigningInAgain() => RunAsync(async () =>
    {
        var page = await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector);
        var layout = page.Locator(".wa-layout");
        await Expect(layout).ToHaveAttributeAsync("data-theme", "light");

        await page.ClickAsync("#theme-toggle");
        await Expect(layout).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal("rgb(22, 27, 29)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));

        // The server renders the page dark before any script runs: the choice is kept on the user, not in the browser.
        var html = await (await page.Context.APIRequest.GetAsync(App.BaseUrl.ToString())).TextAsync();
        Assert.Contains("data-theme=\"dark\"", html);
        Assert.Null(await page.EvaluateAsync<string?>("key => localStorage.getItem(key)", "wadashboard.theme"));

        await page.ReloadAsync();
        await BlazorCircuit.WaitUntilInteractiveAsync(page, AccountsScreen.InteractiveSelector);
        await Expect(layout).ToHaveAttributeAsync("data-theme", "dark");

        // Signed out and in again (a new sign-in cookie), still dark.
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#login-email")).ToBeVisibleAsync();
        await page.FillAsync("#login-email", AdminEmail);
        await page.FillAsync("#login-password", AdminPassword);
        await page.ClickAsync("#login-submit");
        await BlazorCircuit.WaitUntilInteractiveAsync(page, AccountsScreen.InteractiveSelector);
        await Expect(layout).ToHaveAttributeAsync("data-theme", "dark");

        // And back to light, remembered the same way.
        await page.ClickAsync("#theme-toggle");
        await Expect(layout).ToHaveAttributeAsync("data-theme", "light");
        Assert.Contains("data-theme=\"light\"", await (await page.Context.APIRequest.GetAsync(App.BaseUrl.ToString())).TextAsync());
    });
}
