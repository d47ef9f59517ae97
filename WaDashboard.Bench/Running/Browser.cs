using Microsoft.Playwright;

namespace WaDashboard.Bench.Running;

/// <summary>
/// Debian's headless Chromium driven by Playwright, with a throw-away profile: all tabs of one browser share the
/// sign-in cookie, like one operator with many tabs open.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowserContext context)
    {
        _playwright = playwright;
        Context = context;
    }

    public IBrowserContext Context { get; }

    public static async Task<Browser> StartAsync(string profileFolder)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; install Debian's package: apt-get install chromium.");
        }

        Directory.CreateDirectory(profileFolder);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profileFolder, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Locale = "en-US",
                TimezoneId = "UTC",
            });
            context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
            return new Browser(playwright, context);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Follows the app's one-time setup link: creates the first admin, which signs this browser in.</summary>
    public async Task SignInAsFirstAdminAsync(AppProcess app)
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync(app.SetupLink().ToString());
        await page.FillAsync("#setup-email", "bench@example.test");
        await page.FillAsync("#setup-password", "bench password 42 ok");
        await page.FillAsync("#setup-confirm", "bench password 42 ok");
        await page.ClickAsync("#setup-submit");
        await page.WaitForSelectorAsync("#current-user");
        await page.CloseAsync();
    }

    /// <summary>Waits until Blazor's circuit has taken over the element (its event handlers are attached).</summary>
    public static Task WaitUntilInteractiveAsync(IPage page, string selector) =>
        page.WaitForFunctionAsync(
            """
            selector => {
                const element = document.querySelector(selector);
                return element !== null && Object.keys(element).some(key => key.startsWith('_blazorEvents_'));
            }
            """,
            selector,
            new PageWaitForFunctionOptions { Timeout = (float)Patience.TotalMilliseconds });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
