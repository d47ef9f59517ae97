namespace WaDashboard.Tests.EndToEnd;

/// <summary>Sending through the outbox in a real browser: the test message, the queue on the Accounts page, the Outbox page.</summary>
public sealed class OutboxBrowserTests : EndToEndTest
{
    private const string Phone = "+972501234567";

    /// <summary>No production pacing, so the browser sees a message arrive at once; every safety rule still applies.</summary>
    protected override IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>
    {
        ["Messaging__MinSpacing"] = "00:00:00",
        ["Messaging__MaxSpacing"] = "00:00:00",
        ["Messaging__RampDelay"] = "00:00:00",
        ["Messaging__RampDuration"] = "00:00:00",
        ["Simulator__StartDelay"] = "00:00:00.100",
    };

    private async Task<string> ConnectedAccountAsync()
    {
        var account = await App.Api.AddAccountAsync("Clinic reception", Phone);
        await App.Api.LinkWithQrAsync(Phone);
        await App.Api.ScanAsync(Phone);
        await App.Api.WaitForStatusAsync(Phone, "Connected");
        return account.Id;
    }

    [Fact]
    public Task A_test_message_waits_while_stopped_shows_in_the_queue_then_arrives_on_the_simulated_phone_and_is_Sent_in_the_outbox() => RunAsync(async () =>
    {
        var accountId = await ConnectedAccountAsync();
        await App.Api.StopAccountAsync(Phone);
        await App.Api.WaitForStatusAsync(Phone, "Stopped");

        var account = new AccountScreen(await Browser.OpenAsync(UrlOf($"accounts/{accountId}"), AccountScreen.InteractiveSelector));
        await Expect(account.TestTo).ToHaveValueAsync(Phone);
        await account.TestText.FillAsync("Hello from the browser");
        await account.SendTest.ClickAsync();
        await Expect(account.CommandMessage).ToContainTextAsync("It waits until the account is connected");
        await Expect(account.Queue).ToHaveAttributeAsync("data-queued", "1");

        // The Accounts page shows the message waiting for this account.
        var overview = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        await Expect(overview.QueueDepth(accountId)).ToHaveAttributeAsync("data-queued", "1");

        // Reconnected, it goes out: the simulated phone shows it, the queue empties in both tabs.
        await account.Reconnect.ClickAsync();
        await Expect(account.Received("Hello from the browser")).ToBeVisibleAsync();
        await Expect(account.Queue).ToHaveAttributeAsync("data-queued", "0");
        await Expect(overview.QueueDepth(accountId)).ToHaveAttributeAsync("data-queued", "0");

        await overview.OutboxLink.ClickAsync();
        var outbox = new OutboxScreen(overview.Page);
        await BlazorCircuit.WaitUntilInteractiveAsync(outbox.Page, OutboxScreen.InteractiveSelector);
        await Expect(outbox.RowWithText("Hello from the browser")).ToHaveAttributeAsync("data-status", "Sent");
        await Expect(outbox.SummaryCount("Sent")).ToHaveTextAsync("1");
        var sent = Assert.Single(await App.Api.ListMessagesAsync());
        Assert.Equal(("Sent", Phone, 1), (sent.Status, sent.To, sent.Attempts));
    });

    [Fact]
    public Task A_message_whose_outcome_is_unknown_is_sent_again_only_when_a_person_says_so_on_the_outbox_page() => RunAsync(async () =>
    {
        await ConnectedAccountAsync();
        await App.Api.InjectFaultAsync(Phone, "send-timeout");
        var message = await App.Api.SendMessageAsync(Phone, "+972509000001", "Did this reach the patient?");
        await WaitForMessageAsync(message.Id, "Unknown");

        var outbox = new OutboxScreen(await Browser.OpenAsync(UrlOf("outbox?status=needs-you"), OutboxScreen.InteractiveSelector));
        await Expect(outbox.Row(message.Id)).ToHaveAttributeAsync("data-status", "Unknown");
        await Expect(outbox.Row(message.Id)).ToContainTextAsync("may have been delivered");
        await Expect(outbox.SummaryCount("Unknown")).ToHaveTextAsync("1");

        await outbox.SendAgain(message.Id).ClickAsync();

        await Expect(outbox.Message).ToContainTextAsync($"Message {message.Id}: Queued again");
        await WaitForMessageAsync(message.Id, "Sent");
        await outbox.Page.GotoAsync(UrlOf("outbox").ToString());
        await BlazorCircuit.WaitUntilInteractiveAsync(outbox.Page, OutboxScreen.InteractiveSelector);
        await Expect(outbox.Row(message.Id)).ToHaveAttributeAsync("data-status", "Sent");
        Assert.Equal(2, (await App.Api.GetMessageAsync(message.Id)).Attempts);
    });

    private async Task WaitForMessageAsync(long id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await App.Api.GetMessageAsync(id)).Status != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"message {id} did not become {status}");
            await Task.Delay(100);
        }
    }
}
