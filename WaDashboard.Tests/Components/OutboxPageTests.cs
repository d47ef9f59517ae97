using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Pages.Outbox;

namespace WaDashboard.Tests.Components;

/// <summary>The Outbox page rendered by bUnit over the real Core (outbox, dispatcher, simulator, SQLite) under a fake clock.</summary>
public sealed class OutboxPageTests() : CorePageTest("wadash-bunit-outbox")
{
    private IRenderedComponent<MudPopoverProvider> _popovers = null!;

    protected override IDictionary<string, string?> CoreSettings => new Dictionary<string, string?>
    {
        ["Messaging:MinSpacing"] = "00:00:01",
        ["Messaging:MaxSpacing"] = "00:00:01",
        ["Messaging:RampDelay"] = "00:00:00",
        ["Messaging:RampDuration"] = "00:00:00",
        ["Messaging:MaxAttempts"] = "1",
        ["Messaging:DispatchTick"] = "00:00:00.100",
    };

    protected override void SetUp(IServiceCollection services)
    {
        services.AddSingleton(Core.Fleet);
        services.AddSingleton(Core.Outbox);
        SignInAsOperator();
        _popovers = Context.Render<MudPopoverProvider>(); // as the layout does: where MudSelect's options open
    }

    private Task<EnqueueResult> EnqueueAsync(AccountState account, string text, string to = "+972500000001") =>
        Core.Outbox.EnqueueAsync(new OutboxRequest(account.Id, to, text, null, null), CancellationToken.None);

    private Task UntilAsync(long id, OutboxStatus status) =>
        Core.AdvanceOutboxUntilAsync(async () => (await Core.MessageAsync(id)).Status == status, $"message {id} {status}",
            TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(2));

    /// <summary>One message in each state a person sees: sent, waiting, failed, unknown.</summary>
    private async Task<(long Sent, long Waiting, long Failed, long Unknown, AccountState Connected, AccountState Idle)> ScenarioAsync()
    {
        var connected = await Core.AddConnectedAsync("+972506100001", "Reception");
        var idle = await Core.Fleet.AddAsync("Never linked", "+972506100002", CancellationToken.None);
        var sent = (await EnqueueAsync(connected, "Delivered fine")).Message.Id;
        await UntilAsync(sent, OutboxStatus.Sent);
        Assert.Null(Core.Simulator.InjectFault(connected.Id, new SimulatorFault(SimulatorFaultKind.RejectSends)));
        var failed = (await EnqueueAsync(connected, "Refused by the server", "+972500000002")).Message.Id;
        await UntilAsync(failed, OutboxStatus.Failed);
        Assert.Null(Core.Simulator.InjectFault(connected.Id, new SimulatorFault(SimulatorFaultKind.SendTimeout)));
        var unknown = (await EnqueueAsync(connected, "Confirmation lost", "+972500000003")).Message.Id;
        await UntilAsync(unknown, OutboxStatus.Unknown);
        var waiting = (await EnqueueAsync(idle, "Held until linked")).Message.Id;
        return (sent, waiting, failed, unknown, connected, idle);
    }

    [Fact]
    public async Task Each_message_shows_its_status_in_plain_language_and_only_the_actions_that_apply()
    {
        var s = await ScenarioAsync();

        var cut = Context.Render<OutboxPage>();

        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("#outbox-grid tr[data-message-id]").Count), RenderPatience);
        AssertRow(cut, s.Sent, "Sent", "Sent", "as 3EB0", actions: []);
        AssertRow(cut, s.Waiting, "Pending", "Waiting", "Held: the account is not linked", actions: ["wa-cancel"]);
        AssertRow(cut, s.Failed, "Failed", "Failed", "Failed after 1 attempt; the last error: 500: Simulated: the server refused the message", actions: ["wa-retry", "wa-cancel"]);
        AssertRow(cut, s.Unknown, "Unknown", "Unknown", "may have been delivered", actions: ["wa-mark-sent", "wa-send-again", "wa-cancel"]);
        Assert.True(Row(cut, s.Unknown).QuerySelector(".wa-next")!.ClassList.Contains("wa-needs-you"));
        Assert.False(Row(cut, s.Waiting).QuerySelector(".wa-next")!.ClassList.Contains("wa-needs-you"));
        Assert.Equal(("1", "1", "1", "1", "0"), (Summary(cut, "Sent"), Summary(cut, "Pending"), Summary(cut, "Failed"), Summary(cut, "Unknown"), Summary(cut, "Cancelled")));
        Assert.Equal($"accounts/{s.Connected.Id}", Row(cut, s.Sent).QuerySelector("a")?.GetAttribute("href"));
    }

    [Fact]
    public async Task Send_again_on_an_unknown_message_queues_it_and_the_row_turns_Sent_by_itself()
    {
        var s = await ScenarioAsync();
        var cut = Context.Render<OutboxPage>();
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, s.Unknown)), RenderPatience);

        Row(cut, s.Unknown).QuerySelector("button.wa-send-again")!.Click();

        cut.WaitForAssertion(() =>
        {
            Assert.Contains($"Message {s.Unknown}: Queued again", cut.Find("#outbox-message").TextContent);
            Assert.Equal("Pending", Row(cut, s.Unknown).GetAttribute("data-status"));
        }, RenderPatience);
        await UntilAsync(s.Unknown, OutboxStatus.Sent);
        Core.Time.Advance(TimeSpan.FromSeconds(1)); // the page reloads on its once-a-second tick
        cut.WaitForAssertion(() => Assert.Equal("Sent", Row(cut, s.Unknown).GetAttribute("data-status")), RenderPatience);
        Assert.Equal(2, Core.Simulator.ReceivedMessages(s.Connected.Id).Count(m => m.Text == "Confirmation lost"));
    }

    [Fact]
    public async Task It_arrived_marks_an_unknown_message_sent_and_cancel_stops_a_waiting_one_without_sending_anything()
    {
        var s = await ScenarioAsync();
        var cut = Context.Render<OutboxPage>();
        cut.WaitForAssertion(() => Assert.NotNull(Row(cut, s.Unknown)), RenderPatience);

        Row(cut, s.Unknown).QuerySelector("button.wa-mark-sent")!.Click();
        cut.WaitForAssertion(() => Assert.Equal("Sent", Row(cut, s.Unknown).GetAttribute("data-status")), RenderPatience);
        Row(cut, s.Waiting).QuerySelector("button.wa-cancel")!.Click();
        cut.WaitForAssertion(() => Assert.Equal("Cancelled", Row(cut, s.Waiting).GetAttribute("data-status")), RenderPatience);

        Assert.Equal(0, Core.Outbox.QueueDepth(s.Idle.Id));
        Assert.Single(Core.Simulator.ReceivedMessages(s.Connected.Id), m => m.Text == "Confirmation lost");
        Assert.Equal(OutboxStatus.Sent, (await Core.MessageAsync(s.Unknown)).Status);
    }

    [Fact]
    public async Task Filtering_by_needs_you_and_by_account_keeps_only_the_matching_rows()
    {
        var s = await ScenarioAsync();
        var cut = Context.Render<OutboxPage>();
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("#outbox-grid tr[data-message-id]").Count), RenderPatience);

        Choose(cut, "#outbox-status-filter", "Needs you");
        cut.WaitForAssertion(() => Assert.Equal([s.Failed, s.Unknown], RowIds(cut).Order()), RenderPatience);

        Choose(cut, "#outbox-status-filter", "All statuses");
        Choose(cut, "#outbox-account-filter", "Never linked (+972506100002)");
        cut.WaitForAssertion(() =>
        {
            Assert.Equal([s.Waiting], RowIds(cut));
            Assert.Equal(("1", "0"), (Summary(cut, "Pending"), Summary(cut, "Sent")));
        }, RenderPatience);
    }

    [Fact]
    public async Task More_than_a_page_of_messages_is_paged_by_50_newest_first()
    {
        var idle = await Core.Fleet.AddAsync("Never linked", "+972506100003", CancellationToken.None);
        var ids = new List<long>();
        for (var i = 0; i < OutboxPage.PageSize + 10; i++)
        {
            ids.Add((await EnqueueAsync(idle, $"Reminder {i}")).Message.Id);
        }

        var cut = Context.Render<OutboxPage>();

        cut.WaitForAssertion(() => Assert.Equal(ids.AsEnumerable().Reverse().Take(OutboxPage.PageSize), RowIds(cut)), RenderPatience);
        cut.FindAll("#outbox-pages button").Single(b => b.TextContent.Trim() == "2").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids.Take(10).Reverse(), RowIds(cut)), RenderPatience);
    }

    [Fact]
    public void With_no_messages_the_page_says_how_to_send_one()
    {
        var cut = Context.Render<OutboxPage>();

        Assert.Contains("Send test message", cut.Find("#outbox-empty").TextContent);
        Assert.Empty(cut.FindAll("#outbox-grid"));
    }

    /// <summary>Opens a MudSelect as a mouse does and clicks the option showing <paramref name="text"/> in its popover.</summary>
    private void Choose(IRenderedComponent<OutboxPage> cut, string select, string text)
    {
        cut.Find(select).MouseDown(); // the select's combobox input; the press bubbles to the control that opens the list
        var item = _popovers.FindAll(".mud-popover-open .mud-list-item").FirstOrDefault(li => li.TextContent.Trim() == text)
                   ?? throw new InvalidOperationException($"No '{text}' in {select}: {_popovers.Markup}");
        item.Click();
    }

    private static IEnumerable<long> RowIds(IRenderedComponent<OutboxPage> cut) =>
        cut.FindAll("#outbox-grid tr[data-message-id]").Select(r => long.Parse(r.GetAttribute("data-message-id")!));

    private static IElement Row(IRenderedComponent<OutboxPage> cut, long id) => cut.Find($"#outbox-grid tr[data-message-id='{id}']");

    private static string Summary(IRenderedComponent<OutboxPage> cut, string status) => cut.Find($"#outbox-summary [data-count='{status}']").TextContent;

    private static void AssertRow(IRenderedComponent<OutboxPage> cut, long id, string status, string label, string detail, string[] actions)
    {
        var row = Row(cut, id);
        Assert.Equal(status, row.GetAttribute("data-status"));
        var badge = row.QuerySelector(".wa-status")!;
        Assert.Equal((status, label), (badge.GetAttribute("data-status"), badge.TextContent));
        Assert.Contains(detail, row.QuerySelector(".wa-next")?.TextContent);
        var buttons = row.QuerySelectorAll("button").Select(b => b.ClassList.First(c => c.StartsWith("wa-", StringComparison.Ordinal))).ToArray();
        Assert.Equal(actions, buttons);
    }
}
