namespace WaDashboard.Tests.EndToEnd;

/// <summary>The Accounts page tells each account's state apart at a glance.</summary>
public sealed class AccountsOverviewTests : EndToEndTest
{
    /// <summary>When set to a file path, the test also saves a screenshot of the page there (docs/accounts.png).</summary>
    public const string ScreenshotVariable = "WADASHBOARD_SCREENSHOT";

    [Fact]
    public Task AccountsPage_ShowsEachAccountInItsOwnState_AndCountsThem() => RunAsync(async () =>
    {
        var connected = await App.Api.AddAccountAsync("Clinic reception", "+972501234567");
        await App.Api.LinkWithQrAsync(connected.Id);
        await App.Api.ScanAsync(connected.Id);

        var loggedOut = await App.Api.AddAccountAsync("Sales line", "+972541234567");
        await App.Api.LinkWithQrAsync(loggedOut.Id);
        await App.Api.ScanAsync(loggedOut.Id);
        await App.Api.WaitForStatusAsync(loggedOut.Id, "Connected");
        await App.Api.InjectFaultAsync(loggedOut.Id, "logout");

        var awaitingScan = await App.Api.AddAccountAsync("Front desk", "+972521234567");
        await App.Api.LinkWithQrAsync(awaitingScan.Id);

        var notLinked = await App.Api.AddAccountAsync("Warehouse", "+972531234567");

        var accounts = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        (ApiAccount Account, string Status, string Label)[] expected =
        [
            (connected, "Connected", "Connected"),
            (loggedOut, "LoggedOut", "Logged out"),
            (awaitingScan, "AwaitingQrScan", "Waiting for QR scan"),
            (notLinked, "New", "Not linked"),
        ];
        foreach (var (account, status, label) in expected)
        {
            await Expect(accounts.RowMarker(account.Id)).ToHaveAttributeAsync("data-phone", account.Phone);
            await Expect(accounts.StatusBadge(account.Id)).ToHaveAttributeAsync("data-status", status);
            await Expect(accounts.StatusBadge(account.Id)).ToHaveTextAsync(label);
        }

        await Expect(accounts.SummaryCount("total")).ToHaveTextAsync("4");
        await Expect(accounts.SummaryCount("connected")).ToHaveTextAsync("1");
        await Expect(accounts.SummaryCount("needs-you")).ToHaveTextAsync("3");

        // The grid fits the 1280 px window beside the navigation: nothing scrolls sideways, neither the page nor the grid.
        Assert.Equal(1280, accounts.Page.ViewportSize?.Width);
        var overflow = await accounts.Page.EvaluateAsync<int[]>(
            "() => { const g = document.querySelector('#accounts-grid .mud-table-container'); const d = document.documentElement; return [d.scrollWidth - d.clientWidth, g.scrollWidth - g.clientWidth]; }");
        Assert.Equal([0, 0], overflow);

        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } path)
        {
            // Blazor focuses the page heading after navigation; the focus ring is not part of the picture.
            await accounts.Page.EvaluateAsync("() => document.activeElement?.blur()");
            await accounts.Page.ScreenshotAsync(new() { Path = Path.GetFullPath(path) });
        }
    });

    [Fact]
    public Task ManyAccounts_TheGridHoldsOnlyTheRowsInView_AndScrollingBringsTheLastOnes() => RunAsync(async () =>
    {
        const int count = 150;
        var added = new List<ApiAccount>();
        for (var i = 0; i < count; i++)
        {
            added.Add(await App.Api.AddAccountAsync($"Branch {i:000}", $"+97250800{i:0000}"));
        }

        var accounts = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        await Expect(accounts.SummaryCount("total")).ToHaveTextAsync($"{count}");
        await Expect(accounts.Row(added[0].Id)).ToBeVisibleAsync();
        var rows = accounts.Page.Locator("#accounts-grid tr:has(.wa-row)");
        var shown = await rows.CountAsync();
        Assert.InRange(shown, 5, 40);
        Assert.Equal(0, await accounts.Row(added[^1].Id).CountAsync());

        // Scrolled to the end, the grid renders the last accounts instead of the first: still only the rows in view.
        await accounts.Page.EvaluateAsync("() => { const g = document.querySelector('#accounts-grid .mud-table-container'); g.scrollTop = g.scrollHeight; }");
        await Expect(accounts.Row(added[^1].Id)).ToBeVisibleAsync();
        await Expect(accounts.Row(added[0].Id)).ToHaveCountAsync(0);
        Assert.InRange(await rows.CountAsync(), 5, 40);
        await Expect(accounts.StatusBadge(added[^1].Id)).ToHaveAttributeAsync("data-status", "New");
    });
}
