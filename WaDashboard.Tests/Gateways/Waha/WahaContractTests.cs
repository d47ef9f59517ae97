using System.Net;
using System.Text.Json;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>The WAHA adapter against a fake server that follows WAHA's documented session API.</summary>
public sealed class WahaContractTests
{
    private const string Account = "acc0001";
    private static readonly string Session = WahaTestBed.SessionOf(Account);

    [Fact]
    public async Task Linking_by_QR_creates_the_session_with_its_generation_and_webhooks_and_shows_each_new_ref_with_its_index()
    {
        await using var bed = await WahaTestBed.StartAsync();
        var now = bed.Time.GetUtcNow();

        await bed.StartAsync(Account, generation: 4, LinkMode.Qr);

        var config = bed.Server.Config(Session)!;
        Assert.Equal(Account, config["metadata"]!["wadashboard.account"]!.GetValue<string>());
        Assert.Equal("4", config["metadata"]!["wadashboard.generation"]!.GetValue<string>());
        var webhook = Assert.Single(config["webhooks"]!.AsArray())!;
        Assert.Equal($"{bed.Sink.Url}/api/webhooks/{WahaTestBed.ServerId}", webhook["url"]!.GetValue<string>());
        Assert.Equal(["session.status", "message.ack"], webhook["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(WebhookSink.Secret, webhook["hmac"]!["key"]!.GetValue<string>());

        var first = await bed.NextAsync<QrIssued>();
        Assert.Equal((Account, 4, 1, 6, now + TimeSpan.FromSeconds(60)), (first.AccountId, first.Generation, first.Index, first.Total, first.ExpiresAt));
        Assert.StartsWith("2@", first.Value);

        bed.Server.RotateQr(Session);
        var second = await bed.NextAsync<QrIssued>();
        Assert.Equal((2, now + TimeSpan.FromSeconds(20)), (second.Index, second.ExpiresAt));
        Assert.NotEqual(first.Value, second.Value);

        bed.Server.Scan(Session, "972541112222", "Front desk");
        Assert.Equal((Account, 4), (await bed.NextAsync<Authenticated>()) is var auth ? (auth.AccountId, auth.Generation) : default);
        var connected = await bed.NextAsync<SessionConnected>();
        Assert.Equal(("972541112222@s.whatsapp.net", "Front desk", 4), (connected.Jid, connected.PushName, connected.Generation));
        Assert.All(bed.Sink.Deliveries, d => Assert.Equal(WebhookVerdict.Accepted, d.Verdict));
    }

    [Fact]
    public async Task The_single_QR_loop_shows_six_refs_and_the_next_change_stops_the_session_with_408()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.DropWebhooks = true; // only the loop reads the QR
        var time = bed.FakeTime!;
        bed.Run();
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");

        var values = new HashSet<string>();
        for (var index = 1; index <= 6; index++)
        {
            time.Advance(bed.Options.QrPollInterval);
            var qr = await bed.NextAsync<QrIssued>();
            Assert.Equal((index, 6), (qr.Index, qr.Total));
            Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(index == 1 ? 60 : 20), qr.ExpiresAt);
            Assert.True(values.Add(qr.Value));
            bed.Server.RotateQr(Session);
        }

        time.Advance(bed.Options.QrPollInterval);
        var ended = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal(("408", "QR refs attempts ended"), (ended.RawCode, ended.RawText));
        Assert.Equal("STOPPED", bed.Server.Status(Session));
        Assert.Equal(1, bed.Server.Count("POST", $"/api/sessions/{Session}/stop"));
    }

    [Fact]
    public async Task An_unchanged_QR_is_not_shown_again()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.DropWebhooks = true;
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");

        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        Assert.Equal(1, (await bed.NextAsync<QrIssued>()).Index);
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        bed.AssertNoEvent();
        Assert.True(bed.Server.Count("GET", $"/api/{Session}/auth/qr?format=raw") >= 3);
    }

    [Fact]
    public async Task A_pairing_code_is_asked_for_in_SCAN_QR_CODE_with_the_phone_digits_and_shown_without_its_dash()
    {
        await using var bed = await WahaTestBed.StartAsync();
        var now = bed.Time.GetUtcNow();

        await bed.StartAsync(Account, 2, LinkMode.PairingCode);

        var code = await bed.NextAsync<PairingCodeIssued>();
        Assert.Matches("^[1-9A-HJ-NP-TV-Z]{8}$", code.Code);
        Assert.Equal(now + TimeSpan.FromMinutes(3), code.ExpiresAt);
        Assert.Equal([WahaTestBed.Phone], bed.Server.PairingRequests);

        // WAHA repeats SCAN_QR_CODE as WhatsApp rotates the QR underneath: no second code.
        bed.Server.RotateQr(Session);
        bed.Server.Scan(Session);
        await bed.NextAsync<Authenticated>();
        await bed.NextAsync<SessionConnected>();
        Assert.Single(bed.Server.PairingRequests);
    }

    [Fact]
    public async Task An_unconfirmed_pairing_code_expires_after_three_minutes_and_the_session_is_stopped()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.StartAsync(Account, 1, LinkMode.PairingCode);
        await bed.NextAsync<PairingCodeIssued>();

        bed.FakeTime!.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1));
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        bed.AssertNoEvent();

        bed.FakeTime.Advance(TimeSpan.FromSeconds(1));
        await bed.Engine.PollLinkingAsync(CancellationToken.None);
        var expired = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal(("408", "Pairing code expired"), (expired.RawCode, expired.RawText));
        Assert.Equal("STOPPED", bed.Server.Status(Session));
    }

    [Theory]
    [InlineData("STOPPED")]
    [InlineData("WORKING")]
    [InlineData("FAILED")]
    public async Task The_gateway_refuses_a_pairing_code_outside_SCAN_QR_CODE_with_422(string status)
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.AddSession(Session, status, hasLogin: status == "WORKING");

        // WAHA holds the call up to 5 s for the session to run and 10 s for SCAN_QR_CODE (waitUntilStatus), then answers 422.
        var arrived = bed.Server.NextRequest();
        var call = bed.Engine.Client.RequestCodeAsync(Session, WahaTestBed.Phone, CancellationToken.None);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        await bed.AdvanceAsync(TimeSpan.FromSeconds(16));
        var refused = await Assert.ThrowsAsync<WahaApiException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains($"Gateway {WahaTestBed.ServerId}: POST /api/{Session}/auth/request-code answered 422", refused.Message);
        Assert.Contains($"\"status\":\"{status}\"", refused.Body);
        Assert.Empty(bed.Server.PairingRequests);
    }

    [Fact]
    public async Task A_pairing_code_the_gateway_refuses_ends_the_link_with_its_reason_and_stops_the_session()
    {
        await using var bed = await WahaTestBed.StartAsync();

        await bed.StartAsync(Account, 1, LinkMode.PairingCode, phone: "+97250-not-digits");

        var ended = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal("request-code-failed", ended.RawCode);
        Assert.Contains($"Gateway {WahaTestBed.ServerId}: POST /api/{Session}/auth/request-code answered 400", ended.RawText);
        await bed.Server.WaitForStatusAsync(Session, "STOPPED");
    }

    [Fact]
    public async Task A_restore_start_adopts_a_working_session_without_restarting_it()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.AddSession(Session, "WORKING", hasLogin: true,
            new Dictionary<string, string> { ["wadashboard.account"] = Account, ["wadashboard.generation"] = "7" }, meId: "972509998877@c.us");

        await bed.StartAsync(Account, 7, LinkMode.None);

        var connected = await bed.NextAsync<SessionConnected>();
        Assert.Equal((7, "972509998877@s.whatsapp.net"), (connected.Generation, connected.Jid));
        Assert.Equal(0, bed.Server.Count("POST", $"/api/sessions/{Session}/start") + bed.Server.Count("POST", $"/api/sessions/{Session}/restart"));
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task A_restore_start_of_a_stopped_session_with_a_login_starts_it_and_connects()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.AddSession(Session, "STOPPED", hasLogin: true, new Dictionary<string, string> { ["wadashboard.account"] = Account, ["wadashboard.generation"] = "1" });

        await bed.StartAsync(Account, 1, LinkMode.None);

        Assert.Equal(1, bed.Server.Count("POST", $"/api/sessions/{Session}/start"));
        // This session was made without webhooks: reconciliation is what sees it working.
        await bed.Server.WaitForStatusAsync(Session, "WORKING");
        bed.AssertNoEvent();
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, (await bed.NextAsync<SessionConnected>()).Generation);
    }

    [Fact]
    public async Task Relinking_an_existing_session_stops_it_writes_the_new_generation_logs_it_out_and_starts_it()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account, generation: 1);

        await bed.StartAsync(Account, 2, LinkMode.Qr);

        Assert.Equal("2", bed.Server.Config(Session)!["metadata"]!["wadashboard.generation"]!.GetValue<string>());
        Assert.Equal(1, bed.Server.Count("PUT", $"/api/sessions/{Session}"));
        Assert.Equal(1, bed.Server.Count("POST", $"/api/sessions/{Session}/logout"));
        var qr = await bed.NextAsync<QrIssued>();
        Assert.Equal((2, 1), (qr.Generation, qr.Index));
        Assert.False(bed.Server.HasLogin(Session));
    }

    [Fact]
    public async Task Without_the_right_API_key_the_gateway_answers_401_and_the_error_says_which_server_call_and_key()
    {
        await using var bed = await WahaTestBed.StartAsync(apiKey: "not-the-key");
        using var http = new HttpClient();

        using var bare = await http.GetAsync($"{bed.Server.Url}/api/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
        Assert.Equal("""{"message":"Unauthorized","statusCode":401}""", await bare.Content.ReadAsStringAsync());

        var refused = await Assert.ThrowsAsync<WahaApiException>(() => bed.StartAsync(Account, 1, LinkMode.Qr));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains($"Gateway {WahaTestBed.ServerId}: GET /api/sessions/{Session} answered 401", refused.Message);
        Assert.Contains("API key", refused.Message);
        Assert.Equal(refused.Message, bed.Engine.Contact.LastError);
        Assert.Null(bed.Server.Status(Session));
    }

    [Fact]
    public async Task Webhooks_are_signed_with_the_hex_HMAC_SHA512_of_the_raw_body_that_the_dashboard_verifies()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account, generation: 3);
        var working = await bed.Sink.WaitForStatusAsync("WORKING");

        var deliveries = bed.Sink.Deliveries.ToList();
        Assert.NotEmpty(deliveries);
        foreach (var delivery in deliveries)
        {
            Assert.Equal(WebhookVerdict.Accepted, delivery.Verdict);
            Assert.Equal("sha512", delivery.Algorithm);
            Assert.Equal(WebhookSignatureVerifier.Sign(delivery.Body, WebhookSink.Secret), delivery.Signature);
            Assert.Matches("^[0-9a-f]{128}$", delivery.Signature);
            Assert.Equal(WahaTestBed.ServerId, delivery.ServerId);
            Assert.NotEmpty(delivery.RequestId);

            var body = delivery.Json;
            Assert.Matches("^evt_[0-9a-z]{26}$", body.GetProperty("id").GetString());
            Assert.InRange(body.GetProperty("timestamp").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Assert.Equal("session.status", body.GetProperty("event").GetString());
            Assert.Equal(Session, body.GetProperty("session").GetString());
            Assert.Equal(Account, body.GetProperty("metadata").GetProperty("wadashboard.account").GetString());
            Assert.Equal("3", body.GetProperty("metadata").GetProperty("wadashboard.generation").GetString());
            Assert.Equal("WEBJS", body.GetProperty("engine").GetString());
        }

        Assert.Equal("972500000001@c.us", working.Json.GetProperty("me").GetProperty("id").GetString());

        // The rule is the body's: one changed byte, or another key, and the dashboard refuses it.
        var tampered = deliveries[0].Body.ToArray();
        tampered[^2] ^= 1;
        Assert.NotEqual(deliveries[0].Signature, WebhookSignatureVerifier.Sign(tampered, WebhookSink.Secret));
        Assert.NotEqual(deliveries[0].Signature, WebhookSignatureVerifier.Sign(deliveries[0].Body, WebhookSink.Secret + "x"));
    }

    [Fact]
    public async Task A_duplicated_webhook_or_a_reconciliation_after_it_changes_nothing()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        var working = await bed.Sink.WaitForStatusAsync("WORKING");

        await bed.Engine.HandleWebhookAsync(working.Json, CancellationToken.None);
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        bed.AssertNoEvent();
    }

    [Fact]
    public async Task A_late_webhook_of_an_earlier_status_cannot_undo_a_newer_one()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        var scanQr = await bed.Sink.WaitForStatusAsync("SCAN_QR_CODE");
        await bed.Sink.WaitForStatusAsync("WORKING");

        await bed.Engine.HandleWebhookAsync(scanQr.Json, CancellationToken.None);

        bed.AssertNoEvent();
        Assert.Equal("WORKING", bed.Server.Status(Session));
    }

    [Fact]
    public async Task Webhooks_of_other_sessions_and_other_events_are_ignored()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);

        foreach (var json in new[]
                 {
                     """{"id":"evt_1","timestamp":1,"event":"session.status","session":"default","payload":{"status":"FAILED"}}""",
                     """{"id":"evt_2","timestamp":1,"event":"session.status","session":"wad_someone-else","payload":{"status":"FAILED"}}""",
                     """{"id":"evt_3","timestamp":1,"event":"message","session":"wad_acc0001","payload":{"id":"x","body":"hi"}}""",
                     """{"id":"evt_4","timestamp":1,"event":"session.status","session":"wad_acc0001","metadata":{"wadashboard.account":"acc0001","wadashboard.generation":"0"},"payload":{"status":"FAILED"}}""",
                 })
        {
            await bed.Engine.HandleWebhookAsync(JsonDocument.Parse(json).RootElement, CancellationToken.None);
        }

        bed.AssertNoEvent();
        Assert.Equal(0, bed.Server.Count("GET", "/api/sessions/default"));
    }

    [Fact]
    public async Task A_sent_text_goes_to_the_chat_id_and_its_acks_come_back_as_MessageAcknowledged()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account, generation: 5);

        var result = await bed.Engine.SendTextAsync(Account, "972541234567", "Your appointment is at 10:00", CancellationToken.None);

        Assert.True(result.Accepted);
        var sent = Assert.Single(bed.Server.SentTexts);
        Assert.Equal((Session, "972541234567@c.us", "Your appointment is at 10:00", sent.Id), (sent.Session, sent.ChatId, sent.Text, result.MessageId));
        bed.Server.Ack(sent.Id, "READ");
        var ack = await bed.NextAsync<MessageAcknowledged>();
        Assert.Equal((Account, 5, sent.Id, "READ"), (ack.AccountId, ack.Generation, ack.MessageId, ack.Ack));
    }

    [Theory]
    [InlineData("""{"id":"true_1@c.us_ABC"}""", "true_1@c.us_ABC")]
    [InlineData("""{"id":{"fromMe":true,"remote":"1@c.us","id":"ABC","_serialized":"true_1@c.us_ABC"}}""", "true_1@c.us_ABC")]
    [InlineData("""{"key":{"remoteJid":"1@s.whatsapp.net","fromMe":true,"id":"BAE5ABC"},"message":{}}""", "true_1@c.us_BAE5ABC")]
    [InlineData("""{"id":"ABC"}""", "true_1@c.us_ABC")]
    [InlineData("""{"status":"sent"}""", null)]
    public void The_message_id_is_read_from_each_engine_shape_in_the_form_of_WAHA_s_ack_ids(string answer, string? expected) =>
        Assert.Equal(expected, WahaMessageIds.OfSent(JsonDocument.Parse(answer).RootElement, "1@c.us"));

    [Fact]
    public async Task Stop_logout_and_delete_do_what_they_say_on_the_server_and_report_no_disconnect_of_their_own()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);

        await bed.Engine.StopSessionAsync(Account, CancellationToken.None);
        Assert.Equal(("STOPPED", true), (bed.Server.Status(Session), bed.Server.HasLogin(Session)));
        Assert.Null(await bed.Engine.GetSessionAsync(Account, CancellationToken.None));

        await bed.StartAsync(Account, 1, LinkMode.None);
        await bed.NextAsync<SessionConnected>();
        await bed.Engine.LogoutSessionAsync(Account, CancellationToken.None);
        Assert.Equal(("STOPPED", false), (bed.Server.Status(Session), bed.Server.HasLogin(Session)));

        await bed.Engine.DeleteSessionAsync(Account, CancellationToken.None);
        Assert.Null(bed.Server.Status(Session));
        await bed.Engine.DeleteSessionAsync(Account, CancellationToken.None); // idempotent

        // The STOPPED webhooks of our own stops come back and are not taken for a disconnect.
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task The_probe_is_true_only_for_a_working_session_with_an_account()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.DropWebhooks = true;
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");
        Assert.False(await bed.Engine.ProbeAsync(Account, CancellationToken.None));

        bed.Server.Scan(Session);
        Assert.True(await bed.Engine.ProbeAsync(Account, CancellationToken.None));

        bed.Server.Fail(Session);
        Assert.False(await bed.Engine.ProbeAsync(Account, CancellationToken.None));
        Assert.False(await bed.Engine.ProbeAsync("nobody", CancellationToken.None));
    }

    [Fact]
    public async Task After_a_dashboard_restart_the_sessions_and_their_generations_are_read_back_from_the_server()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.AddSession("wad_a1", "WORKING", hasLogin: true, new Dictionary<string, string> { ["wadashboard.account"] = "a1", ["wadashboard.generation"] = "3" });
        bed.Server.AddSession("wad_a2", "SCAN_QR_CODE", hasLogin: false, new Dictionary<string, string> { ["wadashboard.account"] = "a2", ["wadashboard.generation"] = "1" });
        bed.Server.AddSession("wad_a3", "STOPPED", hasLogin: true, new Dictionary<string, string> { ["wadashboard.account"] = "a3", ["wadashboard.generation"] = "2" });
        bed.Server.AddSession("default", "WORKING", hasLogin: true);
        bed.Server.AddSession("wad_a4", "WORKING", hasLogin: true, new Dictionary<string, string> { ["wadashboard.account"] = "someone-else" });

        var ours = await bed.Engine.ListSessionsAsync(CancellationToken.None);
        var all = await bed.Engine.ListServerSessionsAsync(CancellationToken.None);

        Assert.Equal([new EngineSessionInfo("a1", 3, true), new EngineSessionInfo("a2", 1, false)], ours.OrderBy(s => s.AccountId));
        Assert.Equal(5, all.Count);
        Assert.Equal(["a1", "a2", "a3"], all.Where(s => s.AccountId is not null).Select(s => s.AccountId!).Order());
        Assert.Contains(all, s => s is { Name: "default", Status: "WORKING", AccountId: null, Engine: "WEBJS", MeId: "972500000001@c.us" });
        Assert.Equal(new EngineSessionInfo("a1", 3, true), await bed.Engine.GetSessionAsync("a1", CancellationToken.None));
        Assert.Null(await bed.Engine.GetSessionAsync("a3", CancellationToken.None));
        Assert.Equal(5, bed.Engine.Contact.SessionsOnServer);
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task Health_tells_when_the_server_last_answered_and_was_reconciled()
    {
        await using var bed = await WahaTestBed.StartAsync();
        Assert.Equal(WaDashboard.Core.Engines.Gateways.GatewayReachability.Unknown, bed.Engine.Contact.State);

        await bed.Engine.ReconcileAsync(CancellationToken.None);

        var health = bed.Engine.Contact;
        Assert.Equal((WahaTestBed.ServerId, WaDashboard.Core.Engines.Gateways.GatewayReachability.Up, 0, (string?)null),
            (health.ServerId, health.State, health.ConsecutiveFailures, health.LastError));
        Assert.Equal(bed.Time.GetUtcNow(), health.LastContact);
        Assert.Equal(bed.Time.GetUtcNow(), health.LastReconcile);
        Assert.Equal("waha:waha-1", bed.Engine.Name);
    }
}
