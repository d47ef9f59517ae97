using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

public sealed class OutboxTestsOnSqlite() : OutboxTests(DatabaseProvider.Sqlite);

public sealed class OutboxTestsOnPostgres() : OutboxTests(DatabaseProvider.Postgres);

/// <summary>The outbox on the real Core (dispatcher, simulator, database) under a fake clock, per database provider.</summary>
public abstract class OutboxTests(DatabaseProvider provider) : IDisposable
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Messaging:MinSpacing"] = "00:00:02",
        ["Messaging:MaxSpacing"] = "00:00:04",
        ["Messaging:RampDelay"] = "00:00:05",
        ["Messaging:RampDuration"] = "00:01:00",
        ["Messaging:RetryBaseDelay"] = "00:00:10",
        ["Messaging:RetryMaxDelay"] = "00:05:00",
        ["Messaging:MaxAttempts"] = "3",
        ["Messaging:DispatchTick"] = "00:00:00.100",
    };

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(500);
    private readonly TempDirectory _dir = new("outbox");
    private readonly TestDatabase _database = TestDatabase.Create(provider);

    private Task<CoreHarness> StartAsync(FakeTimeProvider? time = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(Fast);
        foreach (var (key, value) in _database.Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return CoreHarness.StartAsync(_dir.Path, time, settings);
    }

    private static Task<EnqueueResult> EnqueueAsync(CoreHarness core, AccountState account, string text, string to = "+972500000001", DateTimeOffset? notBefore = null, string? key = null) =>
        core.Outbox.EnqueueAsync(new OutboxRequest(account.Id, to, text, notBefore, key), CancellationToken.None);

    private static Task<TimeSpan> UntilAsync(CoreHarness core, long id, OutboxStatus status, TimeSpan? limit = null, TimeSpan? step = null) =>
        core.AdvanceOutboxUntilAsync(async () => (await core.MessageAsync(id)).Status == status, $"message {id} {status}", step ?? Step, limit ?? TimeSpan.FromMinutes(5));

    [Fact]
    public async Task A_message_waits_while_the_account_is_not_connected_and_goes_out_once_after_it_connects_and_the_ramp_delay()
    {
        await using var core = await StartAsync();
        var account = await core.Fleet.AddAsync("Clinic", "+972501234567", CancellationToken.None);

        var queued = (await EnqueueAsync(core, account, "Reminder: tomorrow 10:00")).Message;
        Assert.Equal((OutboxStatus.Pending, 0), (queued.Status, queued.Attempts));
        Assert.Equal(1, core.Outbox.QueueDepth(account.Id));
        await core.PassTimeAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30)); // the account is never linked meanwhile
        Assert.Equal(OutboxStatus.Pending, (await core.MessageAsync(queued.Id)).Status);
        Assert.Empty(core.Simulator.ReceivedMessages(account.Id));

        await core.Fleet.SendAsync(account.Id, new LinkCommand(LinkMode.Qr), CancellationToken.None);
        await core.AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.AwaitingQrScan, "a QR code");
        Assert.Null(core.Simulator.Scan(account.Id));
        var connected = await core.AdvanceUntilAsync(account.Id, s => s.IsConnected, "Connected");
        await UntilAsync(core, queued.Id, OutboxStatus.Sent);

        var sent = await core.MessageAsync(queued.Id);
        var received = Assert.Single(core.Simulator.ReceivedMessages(account.Id));
        Assert.Equal(("972500000001", "Reminder: tomorrow 10:00", received.MessageId), (received.To, received.Text, sent.EngineMessageId));
        Assert.Equal(1, sent.Attempts);
        Assert.True(received.At >= connected.StatusSince + TimeSpan.FromSeconds(5), $"sent {received.At:O}, connected {connected.StatusSince:O}: nothing in the ramp delay");
        Assert.Equal(0, core.Outbox.QueueDepth(account.Id));
        Assert.Equal((0, 0L, 0L), (core.Dispatcher.Stats.InFlight, core.SendGuard.RefusedSends, core.Simulator.RefusedSends));
    }

    [Fact]
    public async Task A_scheduled_message_does_not_go_out_before_its_time()
    {
        await using var core = await StartAsync();
        var account = await core.AddConnectedAsync("+972501234567");
        var at = core.Time.GetUtcNow().AddMinutes(10);

        var message = (await EnqueueAsync(core, account, "Your appointment is in one hour", notBefore: at)).Message;
        await UntilAsync(core, message.Id, OutboxStatus.Sent, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(1));

        var received = Assert.Single(core.Simulator.ReceivedMessages(account.Id));
        Assert.InRange(received.At, at, at + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Refused_sends_are_retried_with_backoff_and_fail_after_the_maximum_attempts_until_a_person_retries()
    {
        await using var core = await StartAsync();
        var account = await core.AddConnectedAsync("+972501234567");
        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.RejectSends, Code: "463", Text: "rate-overlimit", Count: 2)));

        var retried = (await EnqueueAsync(core, account, "Comes through on the third try")).Message;
        await UntilAsync(core, retried.Id, OutboxStatus.Sent);
        var sent = await core.MessageAsync(retried.Id);
        Assert.Equal(3, sent.Attempts);
        Assert.Single(core.Simulator.ReceivedMessages(account.Id));

        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.RejectSends, Count: 3)));
        var doomed = (await EnqueueAsync(core, account, "Never accepted", to: "+972500000002")).Message;
        var attemptTimes = new List<DateTimeOffset>();
        await core.AdvanceOutboxUntilAsync(async () =>
        {
            var m = await core.MessageAsync(doomed.Id);
            if (m.LastAttemptAt is { } at && !attemptTimes.Contains(at))
            {
                attemptTimes.Add(at);
            }

            return m.Status == OutboxStatus.Failed;
        }, "the message failed", Step, TimeSpan.FromMinutes(5));

        var failed = await core.MessageAsync(doomed.Id);
        Assert.Equal(3, failed.Attempts);
        Assert.StartsWith("Failed after 3 attempts; the last error: 500: Simulated: the server refused the message", failed.Error);
        Assert.Equal(3, attemptTimes.Count);
        Assert.InRange(attemptTimes[1] - attemptTimes[0], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(11)); // 10 s × [½, 1] (+ a step)
        Assert.InRange(attemptTimes[2] - attemptTimes[1], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(21)); // 20 s × [½, 1]
        Assert.Single(core.Simulator.ReceivedMessages(account.Id));

        var retry = await core.Outbox.RetryAsync(doomed.Id, CancellationToken.None);
        Assert.True(retry.Done, retry.Message);
        Assert.Equal((OutboxStatus.Pending, 0), (retry.Updated!.Status, retry.Updated.Attempts));
        Assert.StartsWith("Retried by a person. Before: Failed after 3 attempts", retry.Updated.Error);
        await UntilAsync(core, doomed.Id, OutboxStatus.Sent);
        Assert.Equal(1, (await core.MessageAsync(doomed.Id)).Attempts);
        Assert.Equal(2, core.Simulator.ReceivedMessages(account.Id).Count);
        Assert.Equal(OutboxActionOutcome.Refused, (await core.Outbox.RetryAsync(doomed.Id, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_send_whose_confirmation_is_lost_is_Unknown_never_resent_by_itself_and_a_person_decides()
    {
        await using var core = await StartAsync();
        var account = await core.AddConnectedAsync("+972501234567");
        Assert.Null(core.Simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.SendTimeout, Count: 2)));

        var arrived = (await EnqueueAsync(core, account, "Did this arrive?")).Message;
        var lost = (await EnqueueAsync(core, account, "And this one?", to: "+972500000002")).Message;
        await UntilAsync(core, lost.Id, OutboxStatus.Unknown);
        Assert.Equal(OutboxStatus.Unknown, (await core.MessageAsync(arrived.Id)).Status);
        Assert.Contains("may have been delivered", (await core.MessageAsync(arrived.Id)).Error);

        core.Time.Advance(TimeSpan.FromHours(2));
        await core.SettleOutboxAsync();
        Assert.Equal(2, core.Simulator.ReceivedMessages(account.Id).Count);
        Assert.Equal(OutboxStatus.Unknown, (await core.MessageAsync(arrived.Id)).Status);

        var markSent = await core.Outbox.ResolveUnknownAsync(arrived.Id, UnknownResolution.MarkSent, CancellationToken.None);
        var sendAgain = await core.Outbox.ResolveUnknownAsync(lost.Id, UnknownResolution.SendAgain, CancellationToken.None);
        Assert.True(markSent.Done && sendAgain.Done);
        await UntilAsync(core, lost.Id, OutboxStatus.Sent);

        Assert.Equal(OutboxStatus.Sent, (await core.MessageAsync(arrived.Id)).Status);
        Assert.Equal(["Did this arrive?", "And this one?", "And this one?"], core.Simulator.ReceivedMessages(account.Id).Select(m => m.Text));
        var again = await core.Outbox.ResolveUnknownAsync(arrived.Id, UnknownResolution.SendAgain, CancellationToken.None);
        Assert.Equal(OutboxActionOutcome.Refused, again.Outcome);
        Assert.Contains("already sent", again.Message);
    }

    [Fact]
    public async Task Cancelling_a_waiting_message_means_it_is_never_sent_and_a_sent_message_cannot_be_cancelled()
    {
        await using var core = await StartAsync();
        var account = await core.AddConnectedAsync("+972501234567");
        await core.Fleet.SendAsync(account.Id, new StopCommand(), CancellationToken.None);
        var keep = (await EnqueueAsync(core, account, "Keep me")).Message;
        var drop = (await EnqueueAsync(core, account, "Cancel me", to: "+972500000002")).Message;

        var cancelled = await core.Outbox.CancelAsync(drop.Id, CancellationToken.None);
        Assert.True(cancelled.Done, cancelled.Message);
        Assert.Equal(1, core.Outbox.QueueDepth(account.Id));

        await core.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        await UntilAsync(core, keep.Id, OutboxStatus.Sent);
        core.Time.Advance(TimeSpan.FromMinutes(5));
        await core.SettleOutboxAsync();

        Assert.Equal(OutboxStatus.Cancelled, (await core.MessageAsync(drop.Id)).Status);
        Assert.Equal(["Keep me"], core.Simulator.ReceivedMessages(account.Id).Select(m => m.Text));
        var late = await core.Outbox.CancelAsync(keep.Id, CancellationToken.None);
        Assert.Equal(OutboxActionOutcome.Refused, late.Outcome);
        Assert.Equal(OutboxActionOutcome.NotFound, (await core.Outbox.CancelAsync(999_999, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Messages_survive_a_restart_and_one_left_Sending_by_a_crash_becomes_Unknown_and_is_never_sent_without_a_person()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        AccountState account;
        long interrupted, waiting;
        await using (var first = await StartAsync(time))
        {
            account = await first.AddConnectedAsync("+972501234567");
            await first.Fleet.SendAsync(account.Id, new StopCommand(), CancellationToken.None);
            interrupted = (await EnqueueAsync(first, account, "Was being sent when the process died")).Message.Id;
            waiting = (await EnqueueAsync(first, account, "Was still waiting", to: "+972500000002")).Message.Id;
        }

        // What a process killed in the middle of a send leaves behind: the row committed as Sending.
        await using (var db = _database.CreateContext(_dir.Path))
        {
            Assert.Equal(1, await db.Set<OutboxMessageRecord>().Where(m => m.Id == interrupted).ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, "Sending")));
        }

        SqliteConnection.ClearAllPools();
        await using var second = await StartAsync(time);
        var unknown = await second.MessageAsync(interrupted);
        Assert.Equal(OutboxStatus.Unknown, unknown.Status);
        Assert.Equal(Outbox.InterruptedError, unknown.Error);
        Assert.Equal(1, second.Outbox.QueueDepth(account.Id));

        await second.Fleet.SendAsync(account.Id, new ReconnectCommand(), CancellationToken.None);
        await UntilAsync(second, waiting, OutboxStatus.Sent);
        second.Time.Advance(TimeSpan.FromHours(1));
        await second.SettleOutboxAsync();
        Assert.Equal(["Was still waiting"], second.Simulator.ReceivedMessages(account.Id).Select(m => m.Text));
        Assert.Equal(OutboxStatus.Unknown, (await second.MessageAsync(interrupted)).Status);

        Assert.True((await second.Outbox.ResolveUnknownAsync(interrupted, UnknownResolution.SendAgain, CancellationToken.None)).Done);
        await UntilAsync(second, interrupted, OutboxStatus.Sent);
        Assert.Equal(["Was still waiting", "Was being sent when the process died"], second.Simulator.ReceivedMessages(account.Id).Select(m => m.Text));
    }

    [Fact]
    public async Task The_per_recipient_limit_still_counts_sends_made_before_a_restart()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        AccountState account;
        var settings = new Dictionary<string, string?> { ["Messaging:PerRecipientLimit"] = "2" };
        await using (var first = await StartAsync(time, settings))
        {
            account = await first.AddConnectedAsync("+972501234567");
            var a = (await EnqueueAsync(first, account, "one")).Message;
            var b = (await EnqueueAsync(first, account, "two")).Message;
            await UntilAsync(first, b.Id, OutboxStatus.Sent);
            Assert.Equal(OutboxStatus.Sent, (await first.MessageAsync(a.Id)).Status);
        }

        var restartedAt = time.GetUtcNow();
        await using var second = await StartAsync(time, settings);
        await second.AdvanceUntilAsync(account.Id, s => s.IsConnected, "Connected after the restart");
        var third = (await EnqueueAsync(second, account, "three")).Message;
        await UntilAsync(second, third.Id, OutboxStatus.Sent, TimeSpan.FromHours(2), TimeSpan.FromSeconds(30));

        var received = Assert.Single(second.Simulator.ReceivedMessages(account.Id));
        Assert.True(received.At - restartedAt > TimeSpan.FromMinutes(55), $"the third message to one recipient waited for the hour: sent {received.At - restartedAt} after the restart");
    }

    [Fact]
    public async Task A_message_not_sent_within_its_expiry_fails_as_expired()
    {
        await using var core = await StartAsync(extra: new() { ["Messaging:ExpireAfter"] = "01:00:00" });
        var account = await core.Fleet.AddAsync("Never linked", "+972501234567", CancellationToken.None);
        var message = (await EnqueueAsync(core, account, "Too late to matter")).Message;

        await core.AdvanceOutboxUntilAsync(async () => (await core.MessageAsync(message.Id)).Status != OutboxStatus.Pending,
            "the message to expire", TimeSpan.FromSeconds(30), TimeSpan.FromHours(2));

        var expired = await core.MessageAsync(message.Id);
        Assert.Equal(OutboxStatus.Failed, expired.Status);
        Assert.StartsWith("Expired: not sent within 1 h", expired.Error);
        Assert.InRange(expired.UpdatedAt - message.CreatedAt, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(0, core.Outbox.QueueDepth(account.Id));
    }

    [Fact]
    public async Task The_same_key_sent_ten_times_at_once_queues_one_message_and_other_content_is_refused()
    {
        await using var core = await StartAsync();
        var account = await core.Fleet.AddAsync("Clinic", "+972501234567", CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => EnqueueAsync(core, account, "Once only", key: "reminder-4711")));

        Assert.Single(results.Select(r => r.Message.Id).Distinct());
        Assert.Equal(1, results.Count(r => !r.Replayed));
        Assert.Single(await core.Outbox.ListAsync(new OutboxQuery(account.Id), CancellationToken.None));
        var conflict = await Assert.ThrowsAsync<IdempotencyConflictException>(() => EnqueueAsync(core, account, "Other text", key: "reminder-4711"));
        Assert.Equal(results[0].Message.Id, conflict.Existing.Id);
        Assert.Equal(1, core.Outbox.QueueDepth(account.Id));
    }

    [Fact]
    public async Task Removing_an_account_removes_its_outbox()
    {
        await using var core = await StartAsync();
        var account = await core.Fleet.AddAsync("Clinic", "+972501234567", CancellationToken.None);
        var message = (await EnqueueAsync(core, account, "Never sent")).Message;

        Assert.True(await core.Fleet.DeleteAsync(account.Id, CancellationToken.None));

        Assert.Null(await core.Outbox.GetAsync(message.Id, CancellationToken.None));
        Assert.Equal(0, core.Outbox.QueueDepth(account.Id));
        var gone = await Assert.ThrowsAsync<MessageValidationException>(() => EnqueueAsync(core, account, "Too late"));
        Assert.Equal("account", gone.Field);
    }

    [Fact]
    public async Task The_guard_at_the_engine_boundary_stops_a_direct_send_for_an_account_that_is_not_connected()
    {
        await using var core = await StartAsync();
        var account = await core.Fleet.AddAsync("Clinic", "+972501234567", CancellationToken.None);
        var engine = (IWhatsAppEngine)core.Services.GetService(typeof(IWhatsAppEngine))!;

        var result = await engine.SendTextAsync(account.Id, "972500000001", "straight to the engine", CancellationToken.None);

        Assert.Same(core.SendGuard, engine);
        Assert.True(result.NotConnected);
        Assert.Equal((1L, 0L), (core.SendGuard.RefusedSends, core.Simulator.RefusedSends)); // stopped before the engine saw it
        Assert.Empty(core.Simulator.ReceivedMessages(account.Id));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
        _dir.Dispose();
    }
}
