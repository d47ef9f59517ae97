using Microsoft.Playwright;

namespace WaDashboard.Testing;

/// <summary>
/// Headless Chromium from the system (Debian's package, not a browser downloaded by Playwright) driven by Playwright,
/// with a throw-away profile. All tabs of one session share cookies, like one person with several tabs open.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How long an action or an expectation may wait for the page before it fails, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(15);

    private static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly TempDirectory? _ownedProfile;

    private BrowserSession(IPlaywright playwright, TempDirectory? ownedProfile, IBrowserContext context, TimeSpan patience)
    {
        _playwright = playwright;
        _ownedProfile = ownedProfile;
        Context = context;
        Patience = patience;
    }

    public IBrowserContext Context { get; }

    /// <summary>How long this session's actions, expectations and waits for the circuit may take.</summary>
    public TimeSpan Patience { get; }

    /// <param name="profileFolder">The Chromium profile, kept afterwards; null for a temp folder removed on dispose.</param>
    /// <param name="patience">How long an action may wait; <see cref="DefaultPatience"/> when null.</param>
    /// <param name="viewportHeight">The window's height in CSS pixels (it is 1280 wide).</param>
    public static async Task<BrowserSession> StartAsync(string? profileFolder = null, TimeSpan? patience = null, int viewportHeight = 800)
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; install Debian's package: apt-get install chromium.");
        }

        var wait = patience ?? DefaultPatience;
        Assertions.SetDefaultExpectTimeout((float)wait.TotalMilliseconds);
        var owned = profileFolder is null ? new TempDirectory("wadash-chromium") : null;
        var profile = profileFolder ?? owned!.Path;
        Directory.CreateDirectory(profile);
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = viewportHeight },
                Locale = "en-US",
                TimezoneId = "UTC",
            });
            context.SetDefaultTimeout((float)wait.TotalMilliseconds);
            return new BrowserSession(playwright, owned, context, wait);
        }
        catch
        {
            playwright?.Dispose();
            owned?.Dispose();
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
        await BlazorCircuit.WaitUntilInteractiveAsync(page, interactiveSelector, Patience);
        return page;
    }

    /// <summary>
    /// Follows the app's one-time setup link from its console: creates the first admin, which signs this browser in,
    /// and waits until the page shows that user signed in.
    /// </summary>
    public async Task SignInAsFirstAdminAsync(AppProcess app, string email, string password)
    {
        var link = app.SetupLink() ?? throw new InvalidOperationException($"The app printed no setup link.\n{app.OutputTail()}");
        var page = await Context.NewPageAsync();
        await page.GotoAsync(link.ToString());
        await page.FillAsync("#setup-email", email);
        await page.FillAsync("#setup-password", password);
        await page.FillAsync("#setup-confirm", password);
        await page.ClickAsync("#setup-submit");
        await Assertions.Expect(page.Locator("#current-user")).ToHaveTextAsync(email, new() { Timeout = (float)Patience.TotalMilliseconds });
        await page.CloseAsync();
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
            _ownedProfile?.Dispose();
        }
    }
}
