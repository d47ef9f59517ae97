using WaDashboard.Tests.Gateways.Waha;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The real app on a NOWEB server: a message sent through the outbox moves on to Delivered and Read when WAHA's
/// <c>message.ack</c> webhooks arrive (NOWEB answers the send with the Baileys message, its id only in <c>key.id</c>, and
/// names it <c>true_&lt;chat&gt;@c.us_&lt;id&gt;</c> in the ack), in the API, its counts and on the Outbox page.
/// </summary>
public sealed class GatewayReceiptsTests : EndToEndTest
{
    private readonly FakeWahaServer _server = FakeWahaServer.StartAsync(engine: "NOWEB").GetAwaiter().GetResult();

    protected override IReadOnlyDictionary<string, string> AppSettings => new Dictionary<string, string>
    {
        ["Engine__Kind"] = "Gateways",
        ["Gateways__WebhookBaseUrl"] = AppProcess.AppUrlPlaceholder,
        ["Security__Webhooks__Secret"] = "Rk7Vq2Lm9Xw4Tz1Pn6Bc3Hd8Jf5Gs0",
        ["Gateways__Servers__0__Id"] = "gw-noweb",
        ["Gateways__Servers__0__Url"] = _server.Url,
        ["Gateways__Servers__0__ApiKey"] = _server.ApiKey,
        ["Gateways__Servers__0__Capacity"] = "5",
        ["Gateways__QrPollInterval"] = "00:00:00.500",
        ["Messaging__MinSpacing"] = "00:00:00",
        ["Messaging__MaxSpacing"] = "00:00:00",
        ["Messaging__RampDelay"] = "00:00:00",
        ["Messaging__RampDuration"] = "00:00:00",
    };

    [Fact]
    public Task A_sent_message_moves_on_to_Delivered_and_Read_as_its_receipts_arrive() => RunAsync(async () =>
    {
        var account = await App.Api.AddAccountAsync("Front desk", "+972507000002");
        await App.Api.LinkWithQrAsync(account.Id);
        var session = "wad_" + account.Id;
        await _server.WaitForStatusAsync(session, "SCAN_QR_CODE");
        await App.Api.WaitForStatusAsync(account.Id, "AwaitingQrScan");
        _server.Scan(session, "972507000002");
        await App.Api.WaitForStatusAsync(account.Id, "Connected");

        var queued = await App.Api.SendMessageAsync(account.Id, "+972541234567", "Your appointment is at 10:00");
        var sent = await PollMessageAsync(queued.Id, "Sent");
        var onServer = Assert.Single(_server.SentTexts);
        Assert.Equal(onServer.Id, sent.EngineMessageId);

        _server.Ack(onServer.Id, "DEVICE");
        await PollMessageAsync(queued.Id, "Delivered");
        _server.Ack(onServer.Id, "READ");
        await PollMessageAsync(queued.Id, "Read");
        _server.Ack(onServer.Id, "DEVICE"); // late and out of order: never back
        await Task.Delay(500);
        Assert.Equal("Read", (await App.Api.GetMessageAsync(queued.Id)).Status);

        var summary = await App.Api.GetOutboxSummaryAsync();
        Assert.Equal((1, 0, 0), (summary.ByStatus["Read"], summary.ByStatus["Delivered"], summary.ByStatus["Sent"]));
        var page = await Browser.OpenAsync(UrlOf("outbox"), OutboxScreen.InteractiveSelector);
        var outbox = new OutboxScreen(page);
        await Expect(outbox.SummaryCount("Read")).ToHaveTextAsync("1");
        await Expect(outbox.Row(queued.Id)).ToContainTextAsync("Read");
    });

    private async Task<ApiMessage> PollMessageAsync(long id, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var message = await App.Api.GetMessageAsync(id);
            if (message.Status == status || DateTime.UtcNow > deadline)
            {
                Assert.True(message.Status == status, $"message {id} is {message.Status}, expected {status}");
                return message;
            }

            await Task.Delay(100);
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _server.DisposeAsync();
    }
}
