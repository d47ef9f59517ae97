namespace WaDashboard.Tests.EndToEnd;

/// <summary>One user cannot hold more live dashboard tabs than Security:MaxCircuitsPerUser.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CircuitLimitTests : EndToEndTest
{
    protected override IReadOnlyDictionary<string, string>? AppSettings =>
        new Dictionary<string, string> { ["Security__MaxCircuitsPerUser"] = "2" };

    [Fact]
    public Task A_tab_beyond_the_limit_gets_no_live_circuit_until_another_tab_closes() => RunAsync(async () =>
    {
        var first = await Browser.OpenAsync(UrlOf("/"), "#add-account");
        await Browser.OpenAsync(UrlOf("/"), "#add-account");

        var third = await Browser.Context.NewPageAsync();
        await third.GotoAsync(UrlOf("/").ToString());
        Assert.False(await BlazorCircuit.BecomesInteractiveAsync(third, "#add-account", TimeSpan.FromSeconds(5)),
            "a third tab got a live circuit although the limit is 2");
        Assert.Contains("Too many open dashboard tabs", App.OutputTail(200));

        await first.CloseAsync();
        await third.CloseAsync();
        var replacement = await Browser.OpenAsync(UrlOf("/"), "#add-account");
        await Expect(replacement.Locator("#current-user")).ToHaveTextAsync(AdminEmail);
    });
}
