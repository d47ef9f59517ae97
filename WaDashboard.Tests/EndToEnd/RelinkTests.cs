using System.Globalization;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>An account logged out from the phone is relinked by a person with a fresh QR code.</summary>
public sealed class RelinkTests : EndToEndTest
{
    private static readonly TimeSpan FreshQrPatience = TimeSpan.FromSeconds(5);

    [Fact]
    public Task LoggedOutFromPhone_NeedsRelinking_ReconnectShowsAFreshQr_AndScanningConnectsAgain() => RunAsync(async () =>
    {
        var added = await App.Api.AddAccountAsync("Front desk", "+972521234567");
        await App.Api.LinkWithQrAsync(added.Id);

        var account = new AccountScreen(await Browser.OpenAsync(UrlOf($"accounts/{added.Id}"), AccountScreen.InteractiveSelector));
        await Expect(account.QrImage).ToBeVisibleAsync();
        var firstQr = await account.QrCode.InnerHTMLAsync();
        await account.SimulatedScan.ClickAsync();
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        var linked = await App.Api.GetAccountAsync(added.Id);

        // The phone removes the linked device: the page says a person has to relink.
        await account.SimulatedLogout.ClickAsync();
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "LoggedOut");
        await Expect(account.NextStep).ToContainTextAsync("relink");
        await Expect(account.QrPanel).ToHaveCountAsync(0);

        // Reconnect starts a new session generation and puts a new QR code on screen within 5 s.
        await account.Reconnect.ClickAsync();
        await Expect(account.QrImage).ToBeVisibleAsync(new() { Timeout = (float)FreshQrPatience.TotalMilliseconds });
        await Expect(account.QrCounter).ToHaveTextAsync("Code 1 of 6");
        Assert.NotEqual(firstQr, await account.QrCode.InnerHTMLAsync());
        var relinking = await App.Api.GetAccountAsync(added.Id);
        Assert.Equal("AwaitingQrScan", relinking.Status);
        Assert.True(relinking.Generation > linked.Generation, $"generation {relinking.Generation} after {linked.Generation}");

        // Scanning the fresh code links the new generation.
        await account.SimulatedScan.ClickAsync();
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(account.QrPanel).ToHaveCountAsync(0);
        var relinked = await App.Api.GetAccountAsync(added.Id);
        Assert.Equal(relinking.Generation, relinked.Generation);
        Assert.True(File.Exists(Path.Combine(App.DataDirectory, "sessions", added.Id, relinked.Generation.ToString(CultureInfo.InvariantCulture), "creds.json")),
            $"No creds.json for generation {relinked.Generation} under {App.DataDirectory}/sessions/{added.Id}.");
    });
}
