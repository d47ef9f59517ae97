using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// Hebrew and Arabic in Chromium against the real app: the Accounts, Account (a live QR code, and a pairing code),
/// Diagnostics and Health pages are right to left, MudBlazor's layout with them, and the left-to-right data in them
/// (phone numbers, the pairing code, folder paths) is shown exactly as stored and set apart from the text around it.
/// With <see cref="PageScreenshots.Variable"/> set, each page is saved as <c>rtl/{language}-{page}.png</c> under that
/// folder (the pictures in docs/rtl come from here).
/// </summary>
public sealed class RightToLeftTests : EndToEndTest
{
    private const string QrPhone = "+972501234567";
    private const string PairingPhone = "+972541234567";

    [Fact]
    public Task Accounts_account_diagnostics_and_health_are_right_to_left_in_Hebrew_and_Arabic_with_their_data_intact() => RunAsync(async () =>
    {
        var qrAccount = await App.Api.AddAccountAsync("קבלה במרפאה", QrPhone);
        var pairingAccount = await App.Api.AddAccountAsync("مكتب الدعم", PairingPhone);
        var connected = await App.Api.AddAccountAsync("Front desk", "+6281234567890");
        await App.Api.LinkWithQrAsync(connected.Id);
        await App.Api.WaitForStatusAsync(connected.Id, "AwaitingQrScan");
        await App.Api.ScanAsync(connected.Id);
        await App.Api.WaitForStatusAsync(connected.Id, "Connected");
        await App.Api.InjectFaultAsync(connected.Id, "logout");
        await App.Api.WaitForStatusAsync(connected.Id, "LoggedOut");

        var page = await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.CloseAsync();

        foreach (var (language, accountsTitle) in new[] { ("he", "חשבונות"), ("ar", "الحسابات") })
        {
            await ChooseLanguageAsync(language);

            // Accounts: the grid runs right to left, the drawer is on the right, each phone number is intact and isolated.
            var accounts = await OpenAsync("", AccountsScreen.InteractiveSelector, language);
            await Expect(accounts.Locator("h1")).ToHaveTextAsync(accountsTitle);
            var drawer = await accounts.Locator(".mud-drawer").BoundingBoxAsync();
            Assert.True(drawer is not null && drawer.X > 640, $"the drawer is at x={drawer?.X}, not on the right");
            foreach (var phone in new[] { QrPhone, PairingPhone })
            {
                await AssertIsolatedAsync(accounts.Locator($".wa-row[data-phone='{phone}']").Locator("xpath=ancestor::tr").Locator(".wa-phone-small"), phone);
            }

            await AssertIsolatedAsync(accounts.Locator("#accounts-grid .wa-account-link bdi").First, null);
            await ShootAsync(accounts, language, "accounts");

            // Account with a live QR code: the code is drawn, the counter in the language, the phone number intact.
            await LinkAsync(qrAccount.Id, "qr", "AwaitingQrScan");
            var qr = await OpenAsync($"accounts/{qrAccount.Id}", AccountScreen.InteractiveSelector, language);
            await Expect(qr.Locator("#qr-code svg")).ToBeVisibleAsync();
            await AssertIsolatedAsync(qr.Locator("#account-phone"), QrPhone);
            var back = await qr.Locator("#back-to-accounts svg").EvaluateAsync<string>("e => getComputedStyle(e).transform");
            Assert.Equal("matrix(-1, 0, 0, 1, 0, 0)", back); // the back arrow points right, the way back in a right-to-left page
            await ShootAsync(qr, language, "account-qr");

            // Account with a pairing code: the code on the page is the one the API handed out, unscrambled and isolated.
            var code = await LinkAsync(pairingAccount.Id, "pairing-code", "AwaitingPairingCode");
            var pairing = await OpenAsync($"accounts/{pairingAccount.Id}", AccountScreen.InteractiveSelector, language);
            await AssertIsolatedAsync(pairing.Locator("#pairing-code"), Displayed(code));
            await AssertIsolatedAsync(pairing.Locator("#account-phone"), PairingPhone);
            await AssertIsolatedAsync(pairing.Locator("#pairing-panel .wa-steps bdi"), PairingPhone);
            await ShootAsync(pairing, language, "account-pairing");

            // Diagnostics: the fleet's findings; the folder of one account as a path, left to right.
            var diagnostics = await OpenAsync("diagnostics", DiagnosticsScreen.InteractiveSelector, language);
            await Expect(diagnostics.Locator("#findings .wa-finding").First).ToBeVisibleAsync();
            await ShootAsync(diagnostics, language, "diagnostics");
            var one = await OpenAsync($"diagnostics/{connected.Id}", DiagnosticsScreen.InteractiveSelector, language);
            var path = await one.Locator("#session-path").TextContentAsync();
            Assert.Contains(connected.Id, path);
            Assert.Equal("ltr", await one.Locator("#session-path").EvaluateAsync<string>("e => getComputedStyle(e).direction"));
            await one.CloseAsync();

            // Health: the charts and tables right to left.
            var health = await OpenAsync("health", "#refresh-health", language);
            await Expect(health.Locator("#chart-states")).ToBeVisibleAsync();
            await ShootAsync(health, language, "health");
        }
    });

    [Fact]
    public Task The_REST_API_stays_English_whatever_the_caller_asks_for() => RunAsync(async () =>
    {
        await App.Api.AddAccountAsync("Reception", QrPhone);
        using var http = new HttpClient { BaseAddress = App.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", App.ApiKey);
        http.DefaultRequestHeaders.Add("Accept-Language", "he,ar;q=0.9");

        var list = await http.GetFromJsonAsync<JsonElement>("api/accounts");
        var account = list.ValueKind == JsonValueKind.Array ? list[0] : list.GetProperty("accounts")[0];
        Assert.Equal("New", account.GetProperty("status").GetString());

        using var missing = await http.GetAsync("api/accounts/+972000000000");
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(problem.GetRawText(), c => c is >= '\u0590' and <= '\u06FF');
        Assert.Null(missing.Content.Headers.ContentLanguage.FirstOrDefault());
    });

    private async Task ChooseLanguageAsync(string language)
    {
        var page = await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector);
        await page.Locator("#language-menu button").First.ClickAsync();
        await page.Locator($".wa-language-option[data-language='{language}']").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await page.CloseAsync();
    }

    private async Task<IPage> OpenAsync(string path, string selector, string language)
    {
        var page = await Browser.OpenAsync(UrlOf(path), selector);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        Assert.Equal("rtl", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).direction"));
        Assert.True(await page.Locator(".mud-application-layout-rtl").CountAsync() > 0, "MudBlazor's layout is not right to left");
        return page;
    }

    /// <summary>
    /// The element shows exactly <paramref name="expected"/> (when given), runs left to right, and is isolated from the
    /// text around it (a &lt;bdi&gt;, or unicode-bidi: isolate), so a number is never reordered by the sentence it sits in.
    /// </summary>
    private static async Task AssertIsolatedAsync(ILocator element, string? expected)
    {
        if (expected is not null)
        {
            Assert.Equal(expected, (await element.TextContentAsync())?.Trim());
        }

        var (bidi, tag) = (await element.EvaluateAsync<string>("e => getComputedStyle(e).unicodeBidi"), await element.EvaluateAsync<string>("e => e.tagName"));
        Assert.True(bidi is "isolate" or "isolate-override" or "plaintext" || tag == "BDI", $"<{tag}> is not isolated (unicode-bidi: {bidi})");
        if (expected is not null)
        {
            Assert.Equal("ltr", await element.EvaluateAsync<string>("e => getComputedStyle(e).direction"));
            // What a person reads: the rendered text, left to right, is the stored string (no character moved).
            var rendered = await element.EvaluateAsync<string>("e => e.innerText");
            Assert.Equal(expected, rendered.Trim());
        }
    }

    /// <summary>Asks for a QR code or a pairing code (again, if the last one ran out) and waits until it is up; returns the pairing code.</summary>
    private async Task<string?> LinkAsync(string accountId, string mode, string status)
    {
        using var http = new HttpClient { BaseAddress = App.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", App.ApiKey);
        using var response = await http.PostAsJsonAsync($"api/accounts/{accountId}/link", new { mode });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.GetRawText());
        await App.Api.WaitForStatusAsync(accountId, status);
        return body.TryGetProperty("pairing_code", out var code) ? code.GetString() : null;
    }

    private static string Displayed(string? code) =>
        code is { Length: 8 } ? $"{code[..4]}-{code[4..]}" : code ?? throw new InvalidOperationException("The API handed out no pairing code.");

    private static async Task ShootAsync(IPage page, string language, string name)
    {
        if (Environment.GetEnvironmentVariable(PageScreenshots.Variable) is { Length: > 0 } root)
        {
            var folder = Path.Combine(Path.GetFullPath(root), "rtl");
            Directory.CreateDirectory(folder);
            await page.SetViewportSizeAsync(1280, 900);
            await page.WaitForTimeoutAsync(500); // charts lay out after their first render
            await page.EvaluateAsync("() => document.activeElement?.blur()");
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{language}-{name}.png"), FullPage = true });
        }

        await page.CloseAsync();
    }
}
