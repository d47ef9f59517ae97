using Microsoft.Playwright;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// Headless Chromium from the system (Debian's package, not a browser downloaded by Playwright) with a throw-away
/// profile. Several tabs of one session share cookies, like a person with two tabs open.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long an action or an expectation may wait for the page before it fails.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly TempDirectory _profile;

    private BrowserSession(IPlaywright playwright, TempDirectory profile, IBrowserContext context)
    {
        _playwright = playwright;
        _profile = profile;
        Context = context;
    }

    public IBrowserContext Context { get; }

    public static async Task<BrowserSession> StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; install Debian's package: apt-get install chromium.");
        }

        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        var profile = new TempDirectory("wadash-chromium");
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile.Path, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                Locale = "en-US",
                TimezoneId = "UTC",
            });
            context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
            return new BrowserSession(playwright, profile, context);
        }
        catch
        {
            playwright?.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new tab and waits until the Blazor circuit has taken the page over, shown by
    /// <paramref name="interactiveSelector"/>: an element with an event handler that the page always renders.
    /// </summary>
    public async Task<IPage> OpenAsync(Uri url, string interactiveSelector)
    {
        var page = await Context.NewPageAsync();
        await page.GotoAsync(url.ToString());
        await BlazorCircuit.WaitUntilInteractiveAsync(page, interactiveSelector);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
            _profile.Dispose();
        }
    }
}
