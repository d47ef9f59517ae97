namespace WaDashboard.Bench.Running;

/// <summary>
/// How the bench runs the app and a browser on it: the shared <see cref="AppProcess"/> and <see cref="BrowserSession"/>,
/// with more patience than a test allows, for fleets of thousands on a loaded machine.
/// </summary>
public static class BenchRun
{
    private static readonly TimeSpan BrowserPatience = TimeSpan.FromSeconds(60);
    private const int ViewportHeight = 900;
    private const string AdminEmail = "bench@example.test";
    private const string AdminPassword = "bench password 42 ok";

    /// <summary>Starts the app with its data in {workFolder}/data and its HOME in {workFolder}/home, kept afterwards.</summary>
    public static Task<AppProcess> StartAppAsync(string workFolder, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken) =>
        AppProcess.StartAsync(new AppProcessOptions
        {
            WorkFolder = workFolder,
            Settings = settings,
            ApiKeyName = "bench",
            StartupPatience = TimeSpan.FromSeconds(180),
            StopPatience = TimeSpan.FromSeconds(30),
            ApiTimeout = TimeSpan.FromSeconds(60),
        }, cancellationToken);

    /// <summary>Chromium with its profile in {workFolder}/chromium, signed in as the app's first admin.</summary>
    public static async Task<BrowserSession> StartSignedInBrowserAsync(string workFolder, AppProcess app)
    {
        var browser = await BrowserSession.StartAsync(Path.Combine(workFolder, "chromium"), BrowserPatience, ViewportHeight);
        try
        {
            await browser.SignInAsFirstAdminAsync(app, AdminEmail, AdminPassword);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }
}
