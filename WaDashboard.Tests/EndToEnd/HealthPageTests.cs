namespace WaDashboard.Tests.EndToEnd;

/// <summary>The Health page in a real browser over the real process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HealthPageTests : EndToEndTest
{
    [Fact]
    public Task The_health_page_shows_states_charts_the_formula_and_who_is_down_longest() => RunAsync(async () =>
    {
        var connected = await App.Api.AddAccountAsync("Up", "+972509400001");
        await App.Api.LinkWithQrAsync(connected.Phone);
        await App.Api.WaitForStatusAsync(connected.Phone, "AwaitingQrScan");
        await App.Api.ScanAsync(connected.Phone);
        await App.Api.WaitForStatusAsync(connected.Phone, "Connected");
        var down = await App.Api.AddAccountAsync("Down", "+972509400002");
        await App.Api.LinkWithQrAsync(down.Phone);
        await App.Api.WaitForStatusAsync(down.Phone, "AwaitingQrScan");
        await App.Api.ScanAsync(down.Phone);
        await App.Api.WaitForStatusAsync(down.Phone, "Connected");
        await App.Api.InjectFaultAsync(down.Phone, "logout");
        await App.Api.WaitForStatusAsync(down.Phone, "LoggedOut");

        var page = await Browser.OpenAsync(UrlOf("/health"), "#refresh-health");
        await Expect(page.Locator("li[data-state='Connected'] strong")).ToHaveTextAsync("1");
        await Expect(page.Locator("li[data-state='LoggedOut'] strong")).ToHaveTextAsync("1");
        await Expect(page.Locator("#score-formula")).ToContainTextAsync("uptime over the last 24 h");
        await Expect(page.Locator("#chart-states svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("#chart-disconnects svg").First).ToBeVisibleAsync();
        await Expect(page.Locator("#disconnects-total")).ToContainTextAsync("1 disconnects");
        await Expect(page.Locator($"#longest-down tr[data-account-id='{down.Id}']")).ToBeVisibleAsync();
        // Seconds-old accounts: uptime counts from their first link, so the time spent waiting for the scan is not downtime.
        await Expect(page.Locator($"#scores tr[data-account-id='{connected.Id}']")).ToHaveAttributeAsync("data-score", "100");
        var upScore = int.Parse((await page.Locator($"#scores tr[data-account-id='{connected.Id}']").GetAttributeAsync("data-score"))!);
        var downScore = int.Parse((await page.Locator($"#scores tr[data-account-id='{down.Id}']").GetAttributeAsync("data-score"))!);
        Assert.True(upScore > downScore, $"connected scored {upScore}, logged out {downScore}");
        var before = await page.Locator("#health-at").GetAttributeAsync("data-at");
        await page.WaitForTimeoutAsync(1500);
        await page.ClickAsync("#refresh-health");
        await Expect(page.Locator("#health-at")).Not.ToHaveAttributeAsync("data-at", before!);
    });
}
