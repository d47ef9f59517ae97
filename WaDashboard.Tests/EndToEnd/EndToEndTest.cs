using Microsoft.Playwright;

namespace WaDashboard.Tests.EndToEnd;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    /// <summary>One real app and one Chromium at a time: they are heavy, and timing-sensitive on a small machine.</summary>
    public const string Name = "End to end";
}

/// <summary>
/// A fresh app process on its own temp folder and a fresh Chromium profile for every test, both disposed after it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public abstract class EndToEndTest : IAsyncLifetime
{
    private AppProcess? _app;
    private BrowserSession? _browser;

    protected AppProcess App => _app ?? throw new InvalidOperationException("The app has not started.");
    protected BrowserSession Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    protected Uri UrlOf(string path) => new(App.BaseUrl, path);

    public const string AdminEmail = "admin@example.test";
    public const string AdminPassword = "correct horse 42 battery";

    /// <summary>Settings for the app under test, as environment variables; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string>? AppSettings => null;

    public async Task InitializeAsync()
    {
        _app = await AppProcess.StartAsync(new AppProcessOptions { Settings = AppSettings });
        _browser = await BrowserSession.StartAsync();
        if (SignInFirst)
        {
            await RunAsync(() => CreateFirstAdminAsync());
        }
    }

    /// <summary>Most tests start signed in as the first admin; sign-in tests start anonymous.</summary>
    protected virtual bool SignInFirst => true;

    /// <summary>Follows the one-time setup link from the app's console: creates the first admin and signs the browser in.</summary>
    protected Task CreateFirstAdminAsync(string email = AdminEmail, string password = AdminPassword) =>
        Browser.SignInAsFirstAdminAsync(App, email, password);

    /// <summary>Runs the steps of a test; when one fails, the failure carries what the app printed.</summary>
    protected async Task RunAsync(Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception ex) when (ex is not EndToEndFailure)
        {
            throw new EndToEndFailure($"{ex.GetType().Name}: {ex.Message}\n{App.OutputTail()}", ex);
        }
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }
        }
        finally
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}

public sealed class EndToEndFailure(string message, Exception inner) : Exception(message, inner);
