using System.Text.RegularExpressions;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>Diagnostics in the browser: a corrupt session is cleared with one click, and the fleet cleanup is previewed, then run.</summary>
public sealed partial class SessionRepairTests : EndToEndTest
{
    [Fact]
    public Task CorruptCredsFromTheSimulatorPanel_DiagnosticsRecommendsClearingTheSession_ClickingItShowsAFreshQr() => RunAsync(async () =>
    {
        var added = await App.Api.AddAccountAsync("Reception", "+972521234567");
        await App.Api.LinkWithQrAsync(added.Id);
        await App.Api.ScanAsync(added.Id);
        await App.Api.WaitForStatusAsync(added.Id, "Connected");

        // The simulator cuts creds.json in half, as a crash during a write does; the engine reports a bad session.
        var account = new AccountScreen(await Browser.OpenAsync(UrlOf($"accounts/{added.Id}"), AccountScreen.InteractiveSelector));
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(account.SessionHealth).ToHaveAttributeAsync("data-verdict", "Valid");
        await account.SimulatedCorrupt.ClickAsync();
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "SessionCorrupt");
        await Expect(account.SessionHealth).ToHaveAttributeAsync("data-verdict", "Corrupt");

        // Diagnostics puts it first, says what is wrong in plain words, and recommends clearing the session.
        var diagnostics = new DiagnosticsScreen(await Browser.OpenAsync(UrlOf("diagnostics"), DiagnosticsScreen.InteractiveSelector));
        var finding = diagnostics.Finding("CredsUnreadable", added.Id);
        await Expect(finding).ToHaveAttributeAsync("data-severity", "Critical");
        await Expect(diagnostics.Findings.First).ToHaveAttributeAsync("data-kind", "CredsUnreadable");
        await Expect(finding.Locator(".wa-finding-explanation")).ToContainTextAsync("cut off or is not valid JSON");
        await Expect(finding.Locator(".wa-finding-recommendation")).ToContainTextAsync("Clear the session and relink");
        var clear = diagnostics.Action(finding, "clear-session");
        await Expect(clear).ToHaveTextAsync("Clear session and relink");

        await clear.ClickAsync();

        // The account's page opens with a fresh QR code for a new session generation; the old one is in the quarantine.
        var relink = new AccountScreen(diagnostics.Page);
        await Expect(relink.Page).ToHaveURLAsync(AccountPath());
        Assert.EndsWith($"/accounts/{added.Id}", relink.Page.Url);
        await Expect(relink.QrImage).ToBeVisibleAsync();
        await Expect(relink.QrCounter).ToHaveTextAsync("Code 1 of 6");
        var relinking = await App.Api.GetAccountAsync(added.Id);
        Assert.Equal(("AwaitingQrScan", 2), (relinking.Status, relinking.Generation));
        Assert.False(Directory.Exists(Path.Combine(App.DataDirectory, "sessions", added.Id, "1")));
        Assert.Single(Directory.GetFiles(Path.Combine(App.DataDirectory, "sessions", ".quarantine"), "creds.json", SearchOption.AllDirectories));

        // Scanning it links again.
        await relink.SimulatedScan.ClickAsync();
        await Expect(relink.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(relink.SessionHealth).ToHaveAttributeAsync("data-verdict", "Valid");
    });

    [Fact]
    public Task Cleanup_IsPreviewedAsADryRun_ThenRunWithProgress_AndTheOrphanFolderGoesToTheQuarantine() => RunAsync(async () =>
    {
        var orphan = Path.Combine(App.DataDirectory, "sessions", "copied-by-hand");
        Directory.CreateDirectory(orphan);
        await File.WriteAllBytesAsync(Path.Combine(orphan, "creds.json"), new byte[20_000]);

        var diagnostics = new DiagnosticsScreen(await Browser.OpenAsync(UrlOf("diagnostics"), DiagnosticsScreen.InteractiveSelector));
        await Expect(diagnostics.OrphanFinding("copied-by-hand")).ToContainTextAsync("Folder without an account");

        await diagnostics.DryRun.ClickAsync();
        await Expect(diagnostics.CleanupReport).ToHaveAttributeAsync("data-dry-run", "true");
        await Expect(diagnostics.CleanupSummary).ToContainTextAsync("Would clean up 1 item(s)");
        await Expect(diagnostics.CleanupSummary).ToContainTextAsync("move 19.5 KB to the quarantine");
        await Expect(diagnostics.CleanupItem("OrphanFolder", "copied-by-hand")).ToHaveAttributeAsync("data-outcome", "Planned");
        Assert.True(Directory.Exists(orphan), "a dry run changes nothing");

        await diagnostics.RunCleanup.ClickAsync();
        await Expect(diagnostics.CleanupReport).ToHaveAttributeAsync("data-dry-run", "false");
        await Expect(diagnostics.CleanupStatus).ToHaveAttributeAsync("data-phase", "Finished");
        await Expect(diagnostics.CleanupProgressBar).ToBeVisibleAsync();
        await Expect(diagnostics.CleanupItem("OrphanFolder", "copied-by-hand")).ToHaveAttributeAsync("data-outcome", "Done");
        await Expect(diagnostics.OrphanFinding("copied-by-hand")).ToHaveCountAsync(0);
        Assert.False(Directory.Exists(orphan));
        Assert.Single(Directory.GetFiles(Path.Combine(App.DataDirectory, "sessions", ".quarantine"), "creds.json", SearchOption.AllDirectories));
    });

    [GeneratedRegex("/accounts/[^/]+$")]
    private static partial Regex AccountPath();
}
