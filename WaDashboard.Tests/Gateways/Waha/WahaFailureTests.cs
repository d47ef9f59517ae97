using System.Net;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Waha;

namespace WaDashboard.Tests.Gateways.Waha;

/// <summary>The WAHA adapter when the server is down, slow, failing, restarted, or its webhooks are lost.</summary>
public sealed class WahaFailureTests
{
    private const string Account = "acc0001";
    private static readonly string Session = WahaTestBed.SessionOf(Account);

    [Fact]
    public async Task A_server_that_is_down_opens_the_breaker_after_the_threshold_then_calls_fail_fast_until_a_trial_closes_it()
    {
        await using var bed = await WahaTestBed.StartAsync();
        var time = bed.FakeTime!;
        bed.Server.GoDown();

        for (var failure = 1; failure <= 3; failure++)
        {
            var down = await Assert.ThrowsAsync<WahaUnreachableException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));
            Assert.Contains($"Gateway {WahaTestBed.ServerId}: GET /api/sessions?all=true failed on the network", down.Message);
            Assert.Equal((failure < 3 ? GatewayReachability.Failing : GatewayReachability.BreakerOpen, failure),
                (bed.Engine.Health.State, bed.Engine.Health.ConsecutiveFailures));
        }

        var reached = bed.Server.RequestCount;
        var open = await Assert.ThrowsAsync<WahaBreakerOpenException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        Assert.Contains($"Gateway {WahaTestBed.ServerId} is not answering", open.Message);
        Assert.Contains("GET /api/sessions?all=true was not sent", open.Message);
        Assert.Equal(time.GetUtcNow() + bed.Options.BreakerOpenFor, open.OpenUntil);
        Assert.Equal(reached, bed.Server.RequestCount);

        bed.Server.ComeUp();
        time.Advance(bed.Options.BreakerOpenFor - TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<WahaBreakerOpenException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        Assert.Equal(reached, bed.Server.RequestCount);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        Assert.Equal((GatewayReachability.Up, 0, (string?)null), (bed.Engine.Health.State, bed.Engine.Health.ConsecutiveFailures, bed.Engine.Health.LastError));
        Assert.Equal(reached + 1, bed.Server.RequestCount);
    }

    [Fact]
    public async Task A_failed_trial_opens_the_breaker_again_at_once()
    {
        await using var bed = await WahaTestBed.StartAsync();
        var time = bed.FakeTime!;
        bed.Server.GoDown();
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<WahaUnreachableException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        }

        time.Advance(bed.Options.BreakerOpenFor);
        await Assert.ThrowsAsync<WahaUnreachableException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));

        var reached = bed.Server.RequestCount;
        var open = await Assert.ThrowsAsync<WahaBreakerOpenException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        Assert.Equal(time.GetUtcNow() + bed.Options.BreakerOpenFor, open.OpenUntil);
        Assert.Equal(reached, bed.Server.RequestCount);
    }

    [Fact]
    public async Task Server_errors_are_retried_for_reads_only()
    {
        await using var bed = await WahaTestBed.StartAsync(o => (o.Retries, o.BreakerThreshold) = (2, 10), TimeProvider.System);
        bed.Server.AddSession(Session, "STOPPED", hasLogin: true);

        bed.Server.AnswerServerErrors(2);
        Assert.Single(await bed.Engine.ListServerSessionsAsync(CancellationToken.None));
        Assert.Equal(3, bed.Server.Count("GET", "/api/sessions?all=true"));

        bed.Server.AnswerServerErrors(1);
        var refused = await Assert.ThrowsAsync<WahaApiException>(() => bed.Engine.Client.StartAsync(Session, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains($"Gateway {WahaTestBed.ServerId}: POST /api/sessions/{Session}/start answered 503", refused.Message);
        Assert.Equal(1, bed.Server.Count("POST", $"/api/sessions/{Session}/start"));
        Assert.Equal("STOPPED", bed.Server.Status(Session));

        bed.Server.AnswerServerErrors(5);
        var failed = await Assert.ThrowsAsync<WahaApiException>(() => bed.Engine.Client.GetSessionAsync(Session, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(3, bed.Server.Count("GET", $"/api/sessions/{Session}"));
        Assert.Equal(4, bed.Engine.Health.ConsecutiveFailures);
    }

    [Fact]
    public async Task Retries_stop_as_soon_as_the_breaker_opens()
    {
        await using var bed = await WahaTestBed.StartAsync(o => (o.Retries, o.BreakerThreshold) = (5, 2));
        bed.Server.AnswerServerErrors(10);

        // The third attempt meets the open breaker: it is not sent.
        await Assert.ThrowsAsync<WahaBreakerOpenException>(() => bed.Engine.ListServerSessionsAsync(CancellationToken.None));

        Assert.Equal(2, bed.Server.Count("GET", "/api/sessions?all=true"));
        Assert.Equal(GatewayReachability.BreakerOpen, bed.Engine.Health.State);
    }

    [Fact]
    public async Task A_slow_answer_times_out_with_an_error_naming_the_server_and_the_call()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.Delay = TimeSpan.FromMinutes(1);

        var arrived = bed.Server.NextRequest();
        var call = bed.Engine.Client.GetSessionAsync(Session, CancellationToken.None);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(call.IsCompleted);
        bed.FakeTime!.Advance(bed.Options.RequestTimeout);

        var timedOut = await Assert.ThrowsAsync<WahaTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal($"Gateway {WahaTestBed.ServerId}: GET /api/sessions/{Session} got no answer within 5 s; the request may have reached the server.", timedOut.Message);
        Assert.Equal((GatewayReachability.Failing, 1), (bed.Engine.Health.State, bed.Engine.Health.ConsecutiveFailures));
    }

    [Fact]
    public async Task When_webhooks_are_lost_reconciliation_produces_the_missing_events()
    {
        await using var bed = await WahaTestBed.StartAsync();
        bed.Server.DropWebhooks = true;
        await bed.StartAsync(Account, 1, LinkMode.Qr);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");

        await bed.Engine.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, (await bed.NextAsync<QrIssued>()).Index);

        bed.Server.Scan(Session);
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        await bed.NextAsync<Authenticated>();
        Assert.Equal("972500000001@s.whatsapp.net", (await bed.NextAsync<SessionConnected>()).Jid);

        bed.Server.Fail(Session);
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        var failed = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal("FAILED", failed.RawCode);
        Assert.Contains($"Gateway {WahaTestBed.ServerId}", failed.RawText);

        await bed.Engine.ReconcileAsync(CancellationToken.None);
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task Reconciliation_reports_a_session_stopped_on_the_server_and_one_the_server_lost()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync("a1");
        await bed.ConnectAsync("a2");
        bed.Server.DropWebhooks = true;

        bed.Server.StopOnServer("wad_a1");
        bed.Server.Forget("wad_a2");
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        var events = new[] { await bed.NextAsync<SessionDisconnected>(), await bed.NextAsync<SessionDisconnected>() }.OrderBy(e => e.AccountId).ToList();
        Assert.Equal(("a1", "STOPPED"), (events[0].AccountId, events[0].RawCode));
        Assert.Equal(("a2", "engine-lost-session"), (events[1].AccountId, events[1].RawCode));
        Assert.Contains("no longer has the session wad_a2", events[1].RawText);
    }

    [Fact]
    public async Task A_server_restarted_with_sessions_in_FAILED_is_reconciled_and_a_restore_start_restarts_the_session()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account, generation: 2);

        bed.Server.Restart(sessionsIn: "FAILED");
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        var failed = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal((Account, 2, "FAILED"), (failed.AccountId, failed.Generation, failed.RawCode));
        Assert.Equal(WaDashboard.Core.Accounts.DisconnectReason.Unknown, WaDashboard.Core.Reconnect.DisconnectClassifier.Classify(failed.RawCode, failed.RawText));

        // The dashboard's policy retries with the saved session: the adapter restarts it on the server.
        await bed.StartAsync(Account, 2, LinkMode.None);
        Assert.Equal(1, bed.Server.Count("POST", $"/api/sessions/{Session}/restart"));
        var connected = await bed.NextAsync<SessionConnected>();
        Assert.Equal((Account, 2), (connected.AccountId, connected.Generation));
        Assert.Equal("WORKING", bed.Server.Status(Session));
    }

    [Fact]
    public async Task A_restore_start_that_meets_SCAN_QR_CODE_stops_the_session_and_reports_no_valid_session()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        await bed.Engine.StopSessionAsync(Account, CancellationToken.None);
        bed.Server.LogoutFromPhone(Session);
        bed.Server.StopOnServer(Session);
        var qrReads = bed.Server.Count("GET", $"/api/{Session}/auth/qr?format=raw");

        await bed.StartAsync(Account, 1, LinkMode.None);

        var missing = await bed.NextAsync<NoValidSession>();
        Assert.Equal("The gateway waha-1 has no login for this account; it asks for a QR.", missing.Detail);
        await bed.Server.WaitForStatusAsync(Session, "STOPPED");
        Assert.Equal(qrReads, bed.Server.Count("GET", $"/api/{Session}/auth/qr?format=raw"));
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task A_restore_start_without_a_session_on_the_server_reports_no_valid_session_without_creating_one()
    {
        await using var bed = await WahaTestBed.StartAsync();

        await bed.StartAsync(Account, 1, LinkMode.None);

        Assert.Equal("The gateway waha-1 holds no session for this account.", (await bed.NextAsync<NoValidSession>()).Detail);
        Assert.Equal(0, bed.Server.Count("POST", "/api/sessions"));
        Assert.Null(bed.Server.Status(Session));
    }

    [Fact]
    public async Task A_connected_session_that_loses_its_login_is_stopped_and_reported_logged_out()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        bed.Server.DropWebhooks = true;

        // WEBJS after an unlink: the session starts over and asks for a QR.
        bed.Server.LogoutFromPhone(Session);
        await bed.Engine.Client.RestartAsync(Session, CancellationToken.None);
        await bed.Server.WaitForStatusAsync(Session, "SCAN_QR_CODE");
        await bed.Engine.ReconcileAsync(CancellationToken.None);

        var lost = await bed.NextAsync<SessionDisconnected>();
        Assert.Equal("SCAN_QR_CODE", lost.RawCode);
        Assert.Equal(WaDashboard.Core.Accounts.DisconnectReason.LoggedOut, WaDashboard.Core.Reconnect.DisconnectClassifier.Classify(lost.RawCode, lost.RawText));
        Assert.Equal("STOPPED", bed.Server.Status(Session));
    }

    [Fact]
    public async Task An_unreachable_gateway_disconnects_every_connected_session_once_and_they_reconnect_when_it_answers()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync("a1");
        await bed.ConnectAsync("a2");
        bed.ForgetEarlierAnswers();
        bed.Server.GoDown();

        for (var pass = 0; pass < bed.Options.BreakerThreshold - 1; pass++)
        {
            await bed.Engine.ReconcileAsync(CancellationToken.None);
            bed.AssertNoEvent(); // failing, not yet given up on
        }

        await bed.Engine.ReconcileAsync(CancellationToken.None);
        var lost = new[] { await bed.NextAsync<SessionDisconnected>(), await bed.NextAsync<SessionDisconnected>() };
        Assert.Equal(["a1", "a2"], lost.Select(e => e.AccountId).Order());
        Assert.All(lost, e =>
        {
            Assert.Equal("gateway-unreachable", e.RawCode);
            Assert.StartsWith($"Gateway {WahaTestBed.ServerId} is not answering: ", e.RawText);
        });

        await bed.Engine.ReconcileAsync(CancellationToken.None);
        bed.AssertNoEvent();
        Assert.Equal(EngineSendResult.NotConnectedRefusal().NotConnected, (await bed.Engine.SendTextAsync("a1", "972541234567", "hi", CancellationToken.None)).NotConnected);

        bed.Server.ComeUp();
        bed.FakeTime!.Advance(bed.Options.BreakerOpenFor);
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        var back = new[] { await bed.NextAsync<SessionConnected>(), await bed.NextAsync<SessionConnected>() };
        Assert.Equal(["a1", "a2"], back.Select(e => e.AccountId).Order());
    }

    [Fact]
    public async Task A_stop_that_cannot_reach_the_server_is_finished_by_reconciliation_once_it_answers()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        bed.Server.GoDown();

        await bed.Engine.StopSessionAsync(Account, CancellationToken.None);
        Assert.Equal("WORKING", bed.Server.Status(Session));

        bed.Server.ComeUp();
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        Assert.Equal("STOPPED", bed.Server.Status(Session));
        bed.AssertNoEvent();
    }

    [Fact]
    public async Task A_send_is_refused_when_it_certainly_did_not_go_out_and_throws_when_the_outcome_is_unknown()
    {
        await using var bed = await WahaTestBed.StartAsync();
        var time = bed.FakeTime!;

        // Not started by the dashboard: refused, nothing reaches the server.
        var notStarted = await bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None);
        Assert.Equal((false, true), (notStarted.Accepted, notStarted.NotConnected));
        Assert.Equal(0, bed.Server.Count("POST", "/api/sendText"));

        await bed.ConnectAsync(Account);
        bed.Server.DropWebhooks = true;

        // The server says the session is not WORKING (422): refused as not connected.
        bed.Server.Fail(Session);
        var sendArrived = bed.Server.NextRequest();
        var sending = bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None);
        await sendArrived.WaitAsync(TimeSpan.FromSeconds(10));
        await bed.AdvanceAsync(FakeWahaServer.StatusWait + TimeSpan.FromSeconds(1)); // WAHA waits 10 s for WORKING first
        var failed = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((false, true), (failed.Accepted, failed.NotConnected));
        Assert.Contains("answered 422", failed.Error);
        Assert.Empty(bed.Server.SentTexts);
        await bed.Engine.ReconcileAsync(CancellationToken.None);
        Assert.Equal("FAILED", (await bed.NextAsync<SessionDisconnected>()).RawCode);

        bed.Server.DropWebhooks = false;
        await bed.StartAsync(Account, 1, LinkMode.None);
        await bed.NextAsync<SessionConnected>();

        // No answer in time: the message may have gone out, so the outcome is unknown and the call throws.
        bed.Server.Delay = TimeSpan.FromMinutes(1);
        var arrived = bed.Server.NextRequest();
        var slow = bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(bed.Options.WaitingCallTimeout);
        await Assert.ThrowsAsync<WahaTimeoutException>(() => slow.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, bed.Server.Count("POST", "/api/sendText")); // the refused one and this one
        bed.Server.Delay = TimeSpan.Zero;

        // The connection breaks after the request went: unknown too.
        bed.ForgetEarlierAnswers();
        bed.Server.GoDown();
        var broken = await Assert.ThrowsAsync<WahaUnreachableException>(() => bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None));
        Assert.True(broken.RequestMayHaveBeenSent);

        // Once the breaker is open (3 transport failures) nothing is sent: a refusal, not an unknown.
        for (var failure = 2; failure <= bed.Options.BreakerThreshold; failure++)
        {
            await Assert.ThrowsAsync<WahaUnreachableException>(() => bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None));
        }

        var reached = bed.Server.Count("POST", "/api/sendText");
        var open = await bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None);
        Assert.Equal((false, false), (open.Accepted, open.NotConnected));
        Assert.Contains("is not answering", open.Error);
        Assert.Equal(reached, bed.Server.Count("POST", "/api/sendText"));
    }

    [Fact]
    public async Task When_nothing_listens_any_more_a_send_is_refused_because_no_connection_was_made()
    {
        await using var bed = await WahaTestBed.StartAsync();
        await bed.ConnectAsync(Account);
        await bed.Server.VanishAsync();

        var refused = await bed.Engine.SendTextAsync(Account, "972541234567", "hi", CancellationToken.None);

        Assert.Equal((false, false), (refused.Accepted, refused.NotConnected));
        Assert.Contains($"Gateway {WahaTestBed.ServerId}: POST /api/sendText failed on the network", refused.Error);
        Assert.Contains("no connection was made", refused.Error);
        Assert.Empty(bed.Server.SentTexts);
    }

    [Fact]
    public async Task RunAsync_owns_its_loops_and_ends_when_cancelled()
    {
        await using var bed = await WahaTestBed.StartAsync();
        using var stop = new CancellationTokenSource();

        var run = bed.Engine.RunAsync(stop.Token);
        await bed.Server.NextRequest().WaitAsync(TimeSpan.FromSeconds(10)); // the first reconciliation
        Assert.False(run.IsCompleted);
        await stop.CancelAsync();

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, bed.FakeTime!.ActiveTimers);
    }
}
