using Microsoft.Playwright;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>Runs only when <see cref="Variable"/> names a folder (it is skipped otherwise).</summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public ScreenshotFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PageScreenshots.Variable)))
        {
            Skip = $"Set {PageScreenshots.Variable} to a folder to take screenshots of the pages.";
        }
    }
}

/// <summary>
/// Pictures of the Health, Diagnostics, Outbox, Servers and admin pages over a small fleet in every kind of state, for
/// checking their look by eye and for the docs: <c>WADASHBOARD_SCREENSHOTS=/some/folder dotnet test --filter PageScreenshots</c>.
/// </summary>
public sealed class PageScreenshots : EndToEndTest
{
    public const string Variable = "WADASHBOARD_SCREENSHOTS";

    [ScreenshotFact]
    public Task Pages_over_a_small_fleet() => RunAsync(async () =>
    {
        var folder = Path.GetFullPath(Environment.GetEnvironmentVariable(Variable)!);
        Directory.CreateDirectory(folder);

        // Before any account: every chart says it has nothing to show.
        await ShootAsync("health", "health-empty", "#refresh-health", folder);

        var reception = await LinkedAsync("Clinic reception", "+972501234567");
        var sales = await LinkedAsync("Sales line", "+972541234567");
        await App.Api.InjectFaultAsync(sales.Id, "logout");
        await App.Api.WaitForStatusAsync(sales.Id, "LoggedOut");
        var front = await LinkedAsync("Front desk", "+972521234567");
        await App.Api.InjectFaultAsync(front.Id, "corrupt");
        await App.Api.WaitForStatusAsync(front.Id, "SessionCorrupt");
        var support = await App.Api.AddAccountAsync("Support desk", "+972531234567");
        await App.Api.InjectFaultAsync(reception.Id, "drop");
        await App.Api.WaitForStatusAsync(reception.Id, "Connected");
        var orphan = Path.Combine(App.DataDirectory, "sessions", "copied-by-hand");
        Directory.CreateDirectory(orphan);
        await File.WriteAllBytesAsync(Path.Combine(orphan, "creds.json"), new byte[20_000]);
        await App.Api.SendMessageAsync(reception.Id, "+972500000001", "Your appointment is tomorrow at 10:00.");
        await App.Api.SendMessageAsync(support.Id, "+972500000002", "We received your request.");

        await ShootAsync("health", "health", "#refresh-health", folder);
        await ShootAsync("diagnostics", "diagnostics", DiagnosticsScreen.InteractiveSelector, folder);
        await ShootAsync($"diagnostics/{front.Id}", "diagnostics-account", DiagnosticsScreen.InteractiveSelector, folder);
        await ShootAsync("outbox", "outbox", OutboxScreen.InteractiveSelector, folder);
        await ShootAsync("gateways", "servers", "#gateways-page", folder, interactive: false);
        await ShootAsync("admin/users", "users", "#add-user", folder);
        await ShootAsync("admin/api-keys", "api-keys", "#create-key", folder);
        await ShootAsync("admin/audit", "audit", "#audit", folder, interactive: false);
        await ShootAsync("health", "health-dark", "#refresh-health", folder, dark: true);
        await ShootAsync("diagnostics", "diagnostics-dark", DiagnosticsScreen.InteractiveSelector, folder, dark: true);
    });

    private async Task<ApiAccount> LinkedAsync(string name, string phone)
    {
        var account = await App.Api.AddAccountAsync(name, phone);
        await App.Api.LinkWithQrAsync(account.Id);
        await App.Api.WaitForStatusAsync(account.Id, "AwaitingQrScan");
        await App.Api.ScanAsync(account.Id);
        await App.Api.WaitForStatusAsync(account.Id, "Connected");
        return account;
    }

    private async Task ShootAsync(string path, string name, string selector, string folder, bool interactive = true, bool dark = false)
    {
        IPage page;
        if (interactive)
        {
            page = await Browser.OpenAsync(UrlOf(path), selector);
        }
        else
        {
            page = await Browser.Context.NewPageAsync();
            await page.GotoAsync(UrlOf(path).ToString());
            await page.Locator("[data-interactive='true']").WaitForAsync();
            await page.Locator(selector).WaitForAsync();
        }

        await page.SetViewportSizeAsync(1280, 900);
        if (dark)
        {
            await page.ClickAsync("#theme-toggle");
        }

        await page.WaitForTimeoutAsync(500); // charts lay out after their first render
        // Nothing may make the page scroll sideways at 1280 px.
        var (scrollWidth, clientWidth) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
        Assert.True(scrollWidth <= clientWidth, $"{path} is {scrollWidth} px wide in a {clientWidth} px window");
        await page.EvaluateAsync("() => document.activeElement?.blur()");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        await page.CloseAsync();
    }
}
