using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Health;
using WaDashboard.Web.Components.Pages.Health;

namespace WaDashboard.Tests.Components;

/// <summary>The Health page rendered by bUnit over the real Core (fleet, timeline in SQLite, storage diagnosis) under a fake clock.</summary>
public sealed class HealthPageTests() : CorePageTest("wadash-bunit-health")
{
    protected override void SetUp(IServiceCollection services) =>
        services.AddSingleton(Core.Services.GetRequiredService<FleetHealthReport>());

    [Fact]
    public async Task Without_disconnects_the_disconnects_chart_says_so_instead_of_drawing_an_empty_box()
    {
        var account = await Core.AddConnectedAsync("+972509500001", "Steady");

        var cut = Context.Render<HealthPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"#scores tr[data-account-id='{account.Id}']")), RenderPatience);
        var disconnects = cut.Find("#chart-disconnects");
        Assert.Equal("true", disconnects.GetAttribute("data-empty"));
        Assert.Contains("No disconnects in the last 24 h", cut.Find("#disconnects-empty").TextContent);
        Assert.Empty(disconnects.QuerySelectorAll(".mud-chart"));
        Assert.Contains("0 disconnects in the last 24 h", cut.Find("#disconnects-total").TextContent);
        Assert.NotNull(cut.Find("#attempts-empty"));
        Assert.NotEmpty(cut.FindAll("#chart-states .mud-chart svg")); // the states chart has something to show
        Assert.Equal("100", cut.Find($"#scores tr[data-account-id='{account.Id}']").GetAttribute("data-score"));
    }

    [Fact]
    public async Task With_a_disconnect_the_chart_is_drawn_with_a_bar_per_hour_and_its_reason_in_the_legend()
    {
        var account = await Core.AddConnectedAsync("+972509500002", "Flaky");
        Assert.Null(Core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Drop, "428")));
        await Core.WaitForAsync(account.Id, s => s.Status != AccountStatus.Connected, "the drop");

        var cut = Context.Render<HealthPage>();

        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("#chart-disconnects").GetAttribute("data-empty")), RenderPatience);
        Assert.Empty(cut.FindAll("#disconnects-empty"));
        Assert.NotEmpty(cut.FindAll("#chart-disconnects .mud-chart svg"));
        Assert.Contains("Connection lost", cut.Find("#chart-disconnects").TextContent);
        Assert.Contains("1 disconnects in the last 24 h", cut.Find("#disconnects-total").TextContent);
    }

    [Fact]
    public void With_no_accounts_every_chart_says_there_is_nothing_yet()
    {
        var cut = Context.Render<HealthPage>();

        cut.WaitForAssertion(() => Assert.Contains("No accounts yet", cut.Find("#states-empty").TextContent), RenderPatience);
        Assert.Contains("No accounts yet", cut.Find("#disconnects-empty").TextContent);
        Assert.Empty(cut.FindAll("#health-page .mud-chart"));
    }
}
