using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>
/// The adapter against a server that behaves as WAHA's source does (see <see cref="FakeWahaServer"/>): one test per
/// observed difference, numbered as in the issue that listed them.
/// </summary>
public sealed class WahaAsItBehavesTests
{
    private const string Account = "acc0001";
    private static readonly string Session = WahaTestBed.SessionOf(Account);

    // 1. WAHA holds a QR read (and a send) up to 5 s + 10 s before its 422: that answer is not a server failure.
    [Fact]
    public async Task Without_webhooks_QR_reads_WAHA_holds_until_its_422_never_count_against_the_server()
    {
        await using var bed = await WahaTestBed.StartAsync(o => o.WebhookBaseUrl = "");
        await bed.StartAsync("connected", 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(WahaTestBed.SessionOf("connected"), "SCAN_QR_CODE");
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.NextAsync<QrIssued>();
        bed.Server.Scan(WahaTestBed.SessionOf("connected"));
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.NextAsync<Authenticated>();
        await bed.NextAsync<SessionConnected>();

        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.NextAsync<QrIssued>();

        // The session leaves SCAN_QR_CODE behind the adapter's back; each QR read WAHA receives is held 10 s, then 422.
        for (var poll = 0; poll < 2 * bed.Options.BreakerThreshold; poll++)
        {
            bed.Server.Restart(sessionsIn: "STARTING");
            var arrived = bed.Server.NextRequest();
            var read = bed.Engine.Client.GetQrValueAsync(Session, CancellationToken.None);
            await arrived.WaitAsync(TimeSpan.FromSeconds(10));
            await bed.AdvanceAsync(FakeWahaServer.StatusWait + TimeSpan.FromSeconds(1));
            var refused = await Assert.ThrowsAsync<WahaApiException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Equal((GatewayReachability.Up, 0), (bed.Engine.Health.State, bed.Engine.Health.ConsecutiveFailures));
        }

        // The loop itself asks for a QR only after reading SCAN_QR_CODE: a session in STARTING gets no QR read.
        var qrReads = bed.Server.Count("GET", $"/api/{Session}/auth/qr?format=raw");
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        Assert.Equal(qrReads, bed.Server.Count("GET", $"/api/{Session}/auth/qr?format=raw"));
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        bed.AssertNoEvent(); // the connected account is never reported unreachable
    }

    // 2. NOWEB ends an unscanned link in plain FAILED after its 6th code: the link is over, reported as an expired QR.
    [Fact]
    public async Task NOWEB_ends_an_unscanned_link_in_FAILED_after_six_codes_and_it_is_reported_as_an_expired_QR()
    {
        await using var bed = await WahaTestBed.StartAsync(engine: "NOWEB");
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        Assert.Equal(1, (await bed.NextAsync<QrIssued>()).Index);
        for (var index = 2; index <= 6; index++)
        {
            bed.Server.RotateQr(Session);
            Assert.Equal(index, (await bed.NextAsync<QrIssued>()).Index);
        }

        bed.Server.RotateQr(Session); // there is no 7th code: FAILED
        var ended = await bed.NextAsync<SessionDisconnected>();

        Assert.Equal("408", ended.RawCode);
        Assert.Contains("SCAN_QR_CODE → FAILED", ended.RawText);
        Assert.Equal(DisconnectReason.Timeout, DisconnectClassifier.Classify(ended.RawCode, ended.RawText));
        await bed.Server.WaitForStatusAsync(Session, "STOPPED"); // stopped, never restarted
        Assert.Equal(0, bed.Server.Count("POST", $"/api/sessions/{Session}/restart"));
    }

    // 2. NOWEB: a logout from the phone is WORKING → FAILED, nothing else: a logout (alert, relink), not "Unknown".
    [Fact]
    public async Task NOWEB_reports_a_logout_from_the_phone_as_FAILED_and_the_adapter_reports_a_logout()
    {
        await using var bed = await WahaTestBed.StartAsync(engine: "NOWEB");
        await bed.ConnectAsync(Account);

        bed.Server.LogoutFromPhone(Session);
        var lost = await bed.NextAsync<SessionDisconnected>();

        Assert.Equal("401", lost.RawCode);
        Assert.Equal(DisconnectReason.LoggedOut, DisconnectClassifier.Classify(lost.RawCode, lost.RawText));
        await bed.Server.WaitForStatusAsync(Session, "STOPPED");
    }

    // 2. Without webhooks the adapter's own record of the statuses decides the same.
    [Fact]
    public async Task Without_webhooks_NOWEB_s_FAILED_after_WORKING_is_still_a_logout()
    {
        await using var bed = await WahaTestBed.StartAsync(o => o.WebhookBaseUrl = "", engine: "NOWEB");
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.NextAsync<QrIssued>();
        bed.Server.Scan(Session);
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.NextAsync<Authenticated>();
        await bed.NextAsync<SessionConnected>();

        bed.Server.LogoutFromPhone(Session);
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        Assert.Equal("401", (await bed.NextAsync<SessionDisconnected>()).RawCode);
    }

    // 2 and 4. A start that never gets past STARTING: transient, and it says what to check.
    [Fact]
    public async Task NOWEB_giving_up_a_start_stuck_in_STARTING_is_transient_and_names_what_to_check()
    {
        await using var bed = await WahaTestBed.StartAsync(engine: "NOWEB");
        await bed.ConnectAsync(Account);

        bed.Server.StuckInStarting(Session);
        var stuck = await bed.NextAsync<SessionDisconnected>();

        Assert.Equal(WahaFailedStatus.StuckStartingCode, stuck.RawCode);
        Assert.Contains("WhatsApp was not reachable from the gateway", stuck.RawText);
        Assert.Equal(DisconnectReason.ConnectionLost, DisconnectClassifier.Classify(stuck.RawCode, stuck.RawText));
        Assert.True(ReasonCatalog.Get(DisconnectReason.ConnectionLost).AutoReconnect);
    }

    // 2. WEBJS: a crash (the browser or its page closed) keeps the login: a transient FAILED, retried.
    [Fact]
    public async Task WEBJS_FAILED_with_its_login_kept_is_transient()
    {
        await using var bed = await WahaTestBed.StartAsync(engine: "WEBJS");
        await bed.ConnectAsync(Account);

        bed.Server.Fail(Session);
        var failed = await bed.NextAsync<SessionDisconnected>();

        Assert.Equal("FAILED", failed.RawCode);
        Assert.Equal("FAILED", bed.Server.Status(Session)); // left for the policy's restart
    }

    // 3. WAHA Core refuses any session but "default": the refusal is the answer, at once, with WAHA's words and a next step.
    [Fact]
    public async Task WAHA_Core_refuses_a_named_session_and_the_link_ends_at_once_with_its_words_and_what_to_do()
    {
        await using var bed = await WahaTestBed.StartAsync(core: true);

        var refusal = await bed.Engine.CheckLinkAsync(Account, CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("WAHA Core support only 'default' session", refusal);
        Assert.Contains("named sessions need WAHA Plus", refusal);

        await bed.StartAsync(Account, 1, LinkMode.Qr);
        var refused = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal(WahaRefusal.Code, refused.RawCode);
        Assert.Contains("WAHA Core support only 'default' session", refused.RawText);
        Assert.Equal(GatewayReachability.Up, bed.Engine.Health.State);
    }

    // 5. NOWEB answers sendText with the raw Baileys message (key.id) and acks with true_<chat>@c.us_<id>: they match.
    [Theory]
    [InlineData("NOWEB")]
    [InlineData("WEBJS")]
    public async Task A_sent_message_and_its_receipts_carry_the_same_id_on_every_engine(string engine)
    {
        await using var bed = await WahaTestBed.StartAsync(engine: engine);
        await bed.ConnectAsync(Account);

        var sent = await bed.Engine.SendTextAsync(Account, "972541234567", "hello", CancellationToken.None);
        bed.Server.Ack(Assert.Single(bed.Server.SentTexts).Id, "DEVICE");
        var ack = await bed.NextAsync<MessageAcknowledged>();

        Assert.Equal(sent.MessageId, ack.MessageId);
        Assert.Equal("DEVICE", ack.Ack);
    }

    // 6. WAHA redelivers a webhook it got no 2xx for, with the same id: the receiver acknowledges the repeat.
    [Fact]
    public async Task A_webhook_that_got_no_2xx_is_delivered_again_with_the_same_id_and_the_repeat_is_acknowledged()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        bed.Server.FailWebhookAnswers = 1;

        bed.Server.StopOnServer(Session);
        await bed.Server.WebhooksSettledAsync();
        await bed.AdvanceAsync(FakeWahaServer.WebhookRetryDelay + TimeSpan.FromSeconds(1));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (bed.Server.WebhookAttempts.Count(a => a.Attempt == 2) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var last = bed.Server.WebhookAttempts.GroupBy(a => a.Id).Single(g => g.Count() > 1).ToList();
        Assert.Equal([(1, 503), (2, 200)], last.Select(a => (a.Attempt, a.Status)));
        Assert.Equal(2, bed.Sink.Deliveries.Count(d => d.Json.GetProperty("id").GetString() == last[0].Id));
        Assert.Equal("STOPPED", (await bed.NextAsync<SessionDisconnected>()).RawCode); // handled once
        bed.AssertNoEvent();
    }

    // 7. Each server signs with its own key.
    [Fact]
    public void Every_server_gets_its_own_webhook_key_unless_one_is_given()
    {
        var options = new GatewayOptions { WebhookSecret = "shared-" + new string('k', 30) };
        var a = new GatewayServerOptions { Id = "waha-a" };
        var b = new GatewayServerOptions { Id = "waha-b" };
        var own = new GatewayServerOptions { Id = "waha-c", WebhookSecret = "own-" + new string('x', 30) };

        Assert.NotEqual(options.WebhookSecretFor(a), options.WebhookSecretFor(b));
        Assert.DoesNotContain(options.WebhookSecret, options.WebhookSecretFor(a));
        Assert.Equal(options.WebhookSecretFor(a), options.WebhookSecretFor(new GatewayServerOptions { Id = "WAHA-A" }));
        Assert.Equal(own.WebhookSecret, options.WebhookSecretFor(own));
        Assert.Equal("", new GatewayOptions().WebhookSecretFor(a));
    }

    [Fact]
    public async Task Sessions_are_created_with_the_server_s_own_webhook_key()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);

        Assert.Equal(WebhookSink.Secret, bed.Server.Config(Session)?["webhooks"]?[0]?["hmac"]?["key"]?.GetValue<string>());
    }

    // 8. The session list has no engine: it comes from one session's GET.
    [Fact]
    public async Task The_servers_sessions_show_the_engine_that_only_one_session_s_GET_names()
    {
        await using var bed = await WahaTestBed.StartAsync(engine: "NOWEB");
        bed.Server.AddSession("default", "WORKING", hasLogin: true);

        var sessions = await bed.Engine.ListServerSessionsAsync(CancellationToken.None);

        Assert.Equal("NOWEB", Assert.Single(sessions).Engine);
        Assert.Equal(WahaEngineKind.Noweb, bed.Engine.EngineKind);
    }
}
