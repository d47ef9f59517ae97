using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Pages.Accounts;

namespace WaDashboard.Tests.Components;

/// <summary>
/// The Accounts page rendered by bUnit over the real Core (fleet, simulator, SQLite on a temp folder, fake clock).
/// MudBlazor's components call JavaScript only for layout, focus and scrolling; loose JS interop answers those calls with
/// defaults, and bUnit's own handler makes the virtualized grid render every row. The page is rendered under the popover
/// and dialog providers, as the layout does.
/// </summary>
public sealed class AccountsPageTests() : CorePageTest("wadash-bunit")
{
    protected override void SetUp(IServiceCollection services)
    {
        services.AddSingleton(Core.Fleet);
        services.AddSingleton(Core.Simulator);
        services.AddSingleton(Core.Alerts);
        services.AddSingleton(Core.Outbox);
        SignInAsOperator();
    }

    [Fact]
    public async Task Each_account_gets_a_row_with_its_state_badge_and_the_reason_in_plain_language()
    {
        var fresh = await Core.Fleet.AddAsync("Never linked", "+972506000001", CancellationToken.None);
        var connected = await Core.AddConnectedAsync("+972506000002", "Reception");
        var dropped = await Core.AddConnectedAsync("+972506000003", "Dropped");
        var loggedOut = await Core.AddConnectedAsync("+972506000004", "Unlinked");
        var banned = await Core.AddConnectedAsync("+972506000005", "Banned one");
        Assert.Null(Core.Simulator.InjectFault(dropped.Id, new SimulatorFault(SimulatorFaultKind.Drop, Code: "408")));
        Assert.Null(Core.Simulator.InjectFault(loggedOut.Id, new SimulatorFault(SimulatorFaultKind.Logout)));
        Assert.Null(Core.Simulator.InjectFault(banned.Id, new SimulatorFault(SimulatorFaultKind.Ban, Until: Core.Time.GetUtcNow().AddHours(2))));
        await Core.WaitForAsync(dropped.Id, s => s.Status == AccountStatus.Reconnecting, "Reconnecting after the 408 drop");
        await Core.WaitForAsync(loggedOut.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");
        await Core.WaitForAsync(banned.Id, s => s.Status == AccountStatus.Banned, "Banned");

        var cut = RenderPage();

        Assert.Equal(5, cut.FindAll("#accounts-grid .wa-row").Count);
        AssertRow(cut, fresh.Id, "New", "Not linked", "never been linked", "Link it: show a QR code");
        AssertRow(cut, connected.Id, "Connected", "Connected", "Linked as Simulated phone.", "Nothing to do.");
        AssertRow(cut, dropped.Id, "Reconnecting", "Reconnecting", "Connection timed out: WhatsApp did not answer in time.",
            "Automatic attempt 1 in");
        AssertRow(cut, loggedOut.Id, "LoggedOut", "Logged out", "Logged out: The session was logged out",
            "Needs you: click Reconnect to relink with a fresh QR code.");
        AssertRow(cut, banned.Id, "Banned", "Banned", "Banned: WhatsApp blocked this number.", "Needs you: wait 2 h 0 min until the ban ends");
        Assert.Equal("+972506000003", RowMarker(cut, dropped.Id).GetAttribute("data-phone"));
        Assert.Equal("Dropped", Row(cut, dropped.Id).QuerySelector("a.wa-account-link")?.TextContent);
        Assert.Equal($"accounts/{dropped.Id}", Row(cut, dropped.Id).QuerySelector("a.wa-account-link")?.GetAttribute("href"));
        Assert.True(Row(cut, loggedOut.Id).QuerySelector(".wa-next")!.ClassList.Contains("wa-needs-you"));
        Assert.False(Row(cut, connected.Id).QuerySelector(".wa-next")!.ClassList.Contains("wa-needs-you"));

        Assert.Equal("5", Summary(cut, "total"));
        Assert.Equal("1", Summary(cut, "connected"));
        Assert.Equal("1", Summary(cut, "reconnecting"));
        Assert.Equal("3", Summary(cut, "needs-you"));
        Assert.Empty(cut.FindAll("#no-accounts"));
    }

    [Fact]
    public async Task The_badge_follows_the_account_through_link_scan_connect_and_logout_without_a_rerender_from_the_test()
    {
        var account = await Core.Fleet.AddAsync("Front desk", "+972506000011", CancellationToken.None);
        var cut = RenderPage();
        AssertRow(cut, account.Id, "New", "Not linked", "never been linked", "Link it");

        await Core.Fleet.SendAsync(account.Id, new LinkCommand(LinkMode.Qr), CancellationToken.None);
        await Core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.AwaitingQrScan, "a QR code");
        cut.WaitForAssertion(() => AssertRow(cut, account.Id, "AwaitingQrScan", "Waiting for QR scan", "QR code 1 of 6 is on screen.",
            "Link a device, then scan the code."), RenderPatience);

        Assert.Null(Core.Simulator.Scan(account.Id));
        await Core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected");
        cut.WaitForAssertion(() =>
        {
            AssertRow(cut, account.Id, "Connected", "Connected", "Linked as Simulated phone.", "Nothing to do.");
            Assert.Equal("1", Summary(cut, "connected"));
            Assert.Equal("0", Summary(cut, "needs-you"));
        }, RenderPatience);

        Assert.Null(Core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Logout)));
        await Core.WaitForAsync(account.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");
        cut.WaitForAssertion(() =>
        {
            AssertRow(cut, account.Id, "LoggedOut", "Logged out", "Logged out: The session was logged out", "Needs you: click Reconnect");
            Assert.Equal("0", Summary(cut, "connected"));
            Assert.Equal("1", Summary(cut, "needs-you"));
        }, RenderPatience);
    }

    [Fact]
    public async Task A_change_to_an_account_the_grid_does_not_show_updates_the_summary_alone_and_a_shown_one_re_renders_the_grid()
    {
        var shown = await Core.AddConnectedAsync("+972506000031", "Front desk");
        var hidden = await Core.AddConnectedAsync("+972506000032", "Back office");
        var cut = RenderPage();
        cut.Find("#account-filter").Input("Front");
        cut.WaitForAssertion(() => Assert.Equal([shown.Id], cut.FindAll("#accounts-grid .wa-row").Select(r => r.GetAttribute("data-account-id"))),
            RenderPatience);
        var grid = cut.FindComponent<MudDataGrid<AccountState>>();
        var gridRenders = grid.RenderCount;

        Assert.Null(Core.Simulator.InjectFault(hidden.Id, new SimulatorFault(SimulatorFaultKind.Drop)));
        cut.WaitForAssertion(() => Assert.Equal("1", Summary(cut, "reconnecting")), RenderPatience);
        Assert.Equal(gridRenders, grid.RenderCount);

        Assert.Null(Core.Simulator.InjectFault(shown.Id, new SimulatorFault(SimulatorFaultKind.Drop)));
        cut.WaitForAssertion(() =>
        {
            AssertRow(cut, shown.Id, "Reconnecting", "Reconnecting", "Connection lost", "Automatic attempt 1 in");
            Assert.Equal("2", Summary(cut, "reconnecting"));
        }, RenderPatience);
    }

    [Fact]
    public async Task Rows_appear_and_disappear_as_accounts_are_added_and_removed_elsewhere()
    {
        var cut = RenderPage();
        Assert.NotNull(cut.Find("#no-accounts"));

        var added = await Core.Fleet.AddAsync("Added by a script", "+972506000021", CancellationToken.None);
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll("#no-accounts"));
            AssertRow(cut, added.Id, "New", "Not linked", "never been linked", "Link it");
            Assert.Equal("1", Summary(cut, "total"));
        }, RenderPatience);

        var other = await Core.Fleet.AddAsync("Second", "+972506000022", CancellationToken.None);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#accounts-grid .wa-row").Count), RenderPatience);

        Assert.True(await Core.Fleet.DeleteAsync(added.Id, CancellationToken.None));
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(cut.FindAll($".wa-row[data-account-id='{added.Id}']"));
            Assert.NotNull(Row(cut, other.Id));
            Assert.Equal("1", Summary(cut, "total"));
        }, RenderPatience);
    }

    [Fact]
    public void With_no_accounts_the_page_says_how_to_add_one_and_shows_no_grid()
    {
        var cut = RenderPage();

        var empty = cut.Find("#no-accounts");
        Assert.Contains("No accounts yet", empty.TextContent);
        Assert.Contains("Add account", empty.TextContent);
        Assert.Empty(cut.FindAll("#accounts-grid"));
        Assert.Equal("0", Summary(cut, "total"));
        Assert.Equal("Add account", cut.Find("#add-account .mud-button-label").TextContent.Trim());
    }

    [Fact]
    public async Task Searching_by_phone_digits_keeps_only_the_matching_rows()
    {
        var clinic = await Core.Fleet.AddAsync("Clinic", "+972506000031", CancellationToken.None);
        var shop = await Core.Fleet.AddAsync("Shop", "+972506000032", CancellationToken.None);
        var cut = RenderPage();
        Assert.Equal(2, cut.FindAll("#accounts-grid .wa-row").Count);

        cut.Find("#account-filter").Input("50 600-0032");

        cut.WaitForAssertion(() =>
        {
            var rows = cut.FindAll("#accounts-grid .wa-row");
            Assert.Equal(shop.Id, Assert.Single(rows).GetAttribute("data-account-id"));
        }, RenderPatience);
        Assert.Empty(cut.FindAll($".wa-row[data-account-id='{clinic.Id}']"));
        Assert.Equal("2", Summary(cut, "total"));
    }

    [Fact]
    public async Task Disposing_the_page_stops_its_subscription_to_fleet_events()
    {
        // The core's background services subscribe once they run, which may be just after the harness started.
        var before = await SettledSubscriberCountAsync();
        var cut = RenderPage();
        Assert.Equal(before + 1, Core.Events.SubscriberCount);

        await Context.DisposeComponentsAsync();

        Assert.Equal(before, Core.Events.SubscriberCount);
        Assert.True(cut.IsDisposed);
    }

    [Fact]
    public async Task An_alert_appears_on_the_page_when_an_account_is_logged_out_and_dismissing_clears_it()
    {
        var account = await Core.AddConnectedAsync("+972506000031", "Front desk");
        var cut = RenderPage();
        Assert.Empty(cut.FindAll("#alerts"));

        Assert.Null(Core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Logout)));

        cut.WaitForAssertion(() =>
        {
            var alert = cut.Find($"#alerts .wa-alert[data-account-id='{account.Id}']");
            Assert.Contains("Front desk", alert.TextContent);
            Assert.Contains("logged out", alert.TextContent, StringComparison.OrdinalIgnoreCase);
        }, RenderPatience);

        cut.Find("#dismiss-alerts").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#alerts")), RenderPatience);
        Assert.Empty(Core.Alerts.Recent);
    }

    [Fact]
    public async Task Each_row_offers_the_one_button_that_fixes_it_and_relink_opens_the_account_with_a_fresh_qr()
    {
        var fresh = await Core.Fleet.AddAsync("Never linked", "+972506000041", CancellationToken.None);
        var connected = await Core.AddConnectedAsync("+972506000042", "Fine");
        var stopped = await Core.AddConnectedAsync("+972506000043", "Stopped");
        await Core.Fleet.SendAsync(stopped.Id, new StopCommand(), CancellationToken.None);
        var loggedOut = await Core.AddConnectedAsync("+972506000044", "Unlinked");
        Core.Simulator.InjectFault(loggedOut.Id, new SimulatorFault(SimulatorFaultKind.Logout));
        await Core.WaitForAsync(loggedOut.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");

        var cut = RenderPage();
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Link", Row(cut, fresh.Id).QuerySelector("button.wa-fix")?.GetAttribute("data-fix"));
            Assert.Null(Row(cut, connected.Id).QuerySelector("button.wa-fix"));
            Assert.Equal("Reconnect", Row(cut, stopped.Id).QuerySelector("button.wa-fix")?.GetAttribute("data-fix"));
            Assert.Equal("Relink", Row(cut, loggedOut.Id).QuerySelector("button.wa-fix")?.GetAttribute("data-fix"));
        }, RenderPatience);

        await cut.InvokeAsync(() => Row(cut, loggedOut.Id).QuerySelector("button.wa-fix")!.Click());

        var navigation = Context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith($"accounts/{loggedOut.Id}", navigation.Uri), RenderPatience);
        var relinking = await Core.AdvanceUntilAsync(loggedOut.Id, a => a.Qr is not null, "a fresh QR after Relink");
        Assert.Equal(loggedOut.Generation + 1, relinking.Generation);

        await cut.InvokeAsync(() => Row(cut, stopped.Id).QuerySelector("button.wa-fix")!.Click());
        await Core.AdvanceUntilAsync(stopped.Id, a => a.IsConnected, "the stopped account back without a QR");
        Assert.Equal(stopped.Generation, Core.Fleet.Get(stopped.Id)!.Generation);
    }

    [Fact]
    public async Task Bulk_reconnect_acts_on_the_selected_rows_and_reports_each_outcome()
    {
        var connected = await Core.AddConnectedAsync("+972506000051", "Fine");
        var stopped = await Core.AddConnectedAsync("+972506000052", "Stopped");
        var untouched = await Core.AddConnectedAsync("+972506000053", "Not selected");
        await Core.Fleet.SendAsync(stopped.Id, new StopCommand(), CancellationToken.None);
        await Core.Fleet.SendAsync(untouched.Id, new StopCommand(), CancellationToken.None);

        var cut = RenderPage();
        Assert.True(cut.Find("#bulk-reconnect").HasAttribute("disabled"));
        cut.Find($"input.wa-select[data-account-id='{connected.Id}']").Change(true);
        cut.Find($"input.wa-select[data-account-id='{stopped.Id}']").Change(true);
        Assert.Contains("(2)", cut.Find("#bulk-reconnect").TextContent);

        cut.Find("#bulk-reconnect").Click();

        cut.WaitForAssertion(() =>
        {
            var message = cut.Find("#bulk-message").TextContent;
            Assert.Contains("1 started", message);
            Assert.Contains("1 already connected", message);
        }, RenderPatience);
        await Core.AdvanceUntilAsync(stopped.Id, a => a.IsConnected, "the selected stopped account reconnected");
        Assert.Equal(AccountStatus.Stopped, Core.Fleet.Get(untouched.Id)!.Status);
    }

    [Fact]
    public async Task The_queue_column_shows_how_many_messages_wait_per_account_and_links_to_them()
    {
        var idle = await Core.Fleet.AddAsync("Never linked", "+972506000061", CancellationToken.None);
        var quiet = await Core.Fleet.AddAsync("Nothing to send", "+972506000062", CancellationToken.None);
        var first = await Core.Outbox.EnqueueAsync(new WaDashboard.Core.Messaging.OutboxRequest(idle.Id, "+972500000001", "one", null, null), CancellationToken.None);
        await Core.Outbox.EnqueueAsync(new WaDashboard.Core.Messaging.OutboxRequest(idle.Id, "+972500000001", "two", null, null), CancellationToken.None);

        var cut = RenderPage();

        var queue = Row(cut, idle.Id).QuerySelector(".wa-queue")!;
        Assert.Equal(("2", "2"), (queue.GetAttribute("data-queued"), queue.TextContent));
        Assert.Equal($"outbox?account={idle.Id}", queue.GetAttribute("href"));
        Assert.Equal("0", Row(cut, quiet.Id).QuerySelector(".wa-queue")!.GetAttribute("data-queued"));

        Assert.True((await Core.Outbox.CancelAsync(first.Message.Id, CancellationToken.None)).Done);
        Core.Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("1", Row(cut, idle.Id).QuerySelector(".wa-queue")!.GetAttribute("data-queued")), RenderPatience);
    }

    [Fact]
    public void The_add_dialog_checks_the_phone_as_it_is_typed_keeps_what_was_typed_and_adds_the_account_and_opens_it()
    {
        var host = RenderHost();
        host.Find("#add-account").Click();
        var cut = host;

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#add-account-form")), RenderPatience);
        cut.Find("#account-name").Input("Clinic reception");
        cut.Find("#account-phone").Input("0501234567");
        cut.WaitForAssertion(() => Assert.Contains("does not start with '+' and a country code", cut.Find("#account-phone-error").TextContent), RenderPatience);

        cut.Find("#add-account-form").Submit();
        Assert.Empty(Core.Fleet.Accounts);
        Assert.Equal("0501234567", cut.Find("#account-phone").GetAttribute("value"));
        Assert.Empty(cut.FindAll("#account-name-error"));

        cut.Find("#account-phone").Input("+972 50 123 4567");
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#account-phone-error")), RenderPatience);
        cut.Find("#add-account-form").Submit();

        var navigation = Context.Services.GetRequiredService<NavigationManager>();
        var added = Assert.Single(Core.Fleet.Accounts);
        Assert.Equal(("Clinic reception", "+972501234567"), (added.Name, added.Phone.Value));
        cut.WaitForAssertion(() => Assert.EndsWith($"accounts/{added.Id}", navigation.Uri), RenderPatience);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#add-account-form")), RenderPatience);
    }

    private async Task<int> SettledSubscriberCountAsync()
    {
        var count = Core.Events.SubscriberCount;
        for (var stable = 0; stable < 6;)
        {
            await Task.Delay(50);
            var now = Core.Events.SubscriberCount;
            stable = now == count ? stable + 1 : 0;
            count = now;
        }

        return count;
    }

    /// <summary>The page inside the providers the layout renders (MudSelect and MudDialog need them).</summary>
    private IRenderedComponent<AccountsPage> RenderPage() => RenderHost().FindComponent<AccountsPage>();

    /// <summary>The providers and the page; dialogs render in the dialog provider, outside the page's own markup.</summary>
    private IRenderedComponent<IComponent> RenderHost() =>
        Context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<AccountsPage>(2);
            builder.CloseComponent();
        });

    /// <summary>The element that names a row's account (MudDataGrid's rows carry no attributes of their own).</summary>
    private static IElement RowMarker(IRenderedComponent<AccountsPage> cut, string accountId) =>
        cut.Find($"#accounts-grid .wa-row[data-account-id='{accountId}']");

    private static IElement Row(IRenderedComponent<AccountsPage> cut, string accountId) =>
        RowMarker(cut, accountId).Closest("tr") ?? throw new InvalidOperationException($"The row of {accountId} is not in a table row.");

    private static string Summary(IRenderedComponent<AccountsPage> cut, string count) =>
        cut.Find($"#fleet-summary [data-count='{count}']").TextContent;

    private static void AssertRow(IRenderedComponent<AccountsPage> cut, string accountId, string status, string label, string whatHappened, string nextStep)
    {
        var row = Row(cut, accountId);
        var badge = row.QuerySelector(".wa-status");
        Assert.NotNull(badge);
        Assert.Equal(status, badge.GetAttribute("data-status"));
        Assert.Equal(label, badge.TextContent);
        Assert.Contains($"wa-status-{status.ToLowerInvariant()}", badge.ClassName);
        Assert.Contains(whatHappened, row.QuerySelector(".wa-reason")?.TextContent);
        Assert.Contains(nextStep, row.QuerySelector(".wa-next")?.TextContent);
    }
}
