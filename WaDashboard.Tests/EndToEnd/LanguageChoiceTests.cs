namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The console speaks the browser's first language until a person chooses another; the choice stays with the person
/// (a claim on their user, like the theme) and with the browser (the culture cookie): across sign-out, another browser
/// and a restart of the app.
/// </summary>
public sealed class LanguageChoiceTests : EndToEndTest
{
    [Fact]
    public Task A_chosen_language_survives_sign_out_another_browser_and_a_restart() => RunAsync(async () =>
    {
        // The browser asks for English (Playwright's en-US locale): the console answers in English.
        var page = await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector);
        var html = page.Locator("html");
        await Expect(html).ToHaveAttributeAsync("lang", "en");
        await Expect(page.Locator("#nav-accounts")).ToContainTextAsync("Accounts");

        await page.Locator("#language-menu button").First.ClickAsync();
        await page.Locator(".wa-language-option[data-language='id']").ClickAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "id");
        await Expect(html).ToHaveAttributeAsync("dir", "ltr");
        await BlazorCircuit.WaitUntilInteractiveAsync(page, AccountsScreen.InteractiveSelector);
        await Expect(page.Locator("#nav-accounts")).ToContainTextAsync("Akun");

        // Signed out: the sign-in page keeps the language (the culture cookie).
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#login-email")).ToBeVisibleAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "id");
        await Expect(page.Locator("#login-submit")).ToHaveTextAsync("Masuk");

        // Another browser (no cookies at all): English until the person signs in, then their language from the user row.
        await Browser.Context.ClearCookiesAsync();
        await page.ReloadAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "en");
        await SignInAsync(page);
        await Expect(html).ToHaveAttributeAsync("lang", "id");
        await Expect(page.Locator("#nav-accounts")).ToContainTextAsync("Akun");

        // The app restarts: the page comes back in the person's language, and again after signing out and in.
        await App.RestartAsync();
        await page.GotoAsync(App.BaseUrl.ToString());
        await BlazorCircuit.WaitUntilInteractiveAsync(page, AccountsScreen.InteractiveSelector);
        await Expect(html).ToHaveAttributeAsync("lang", "id");
        await page.ClickAsync("#sign-out");
        await Expect(page.Locator("#login-submit")).ToHaveTextAsync("Masuk");
        await SignInAsync(page);
        await Expect(html).ToHaveAttributeAsync("lang", "id");

        // Choosing on the sign-in page works too, before anyone signs in.
        await page.ClickAsync("#sign-out");
        await page.Locator(".wa-language-option[data-language='he']").ClickAsync();
        await Expect(html).ToHaveAttributeAsync("lang", "he");
        await Expect(html).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.Locator("#login-submit")).ToHaveTextAsync("כניסה");
    });

    private static async Task SignInAsync(Microsoft.Playwright.IPage page)
    {
        await page.FillAsync("#login-email", AdminEmail);
        await page.FillAsync("#login-password", AdminPassword);
        await page.ClickAsync("#login-submit");
        await BlazorCircuit.WaitUntilInteractiveAsync(page, AccountsScreen.InteractiveSelector);
    }
}
