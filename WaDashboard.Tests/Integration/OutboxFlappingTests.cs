using Microsoft.Data.Sqlite;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Support;
using Xunit.Abstractions;

namespace WaDashboard.Tests.Integration;

public sealed class OutboxFlappingTestsOnSqlite(ITestOutputHelper output) : OutboxFlappingTests(output, DatabaseProvider.Sqlite);

public sealed class OutboxFlappingTestsOnPostgres(ITestOutputHelper output) : OutboxFlappingTests(output, DatabaseProvider.Postgres);

/// <summary>
/// 500 messages drain from five accounts while the simulator keeps dropping their connections (and the supervisors
/// reconnect them): not one send may be attempted while an account is disconnected, and every message ends Sent exactly once.
/// </summary>
public abstract class OutboxFlappingTests(ITestOutputHelper output, DatabaseProvider provider) : IDisposable
{
    private const int Accounts = 5;
    private const int MessagesPerAccount = 100;
    private const int RecipientsPerAccount = 30;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DropEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RampDelay = TimeSpan.FromSeconds(5);

    private readonly TempDirectory _dir = new("flapping");
    private readonly TestDatabase _database = TestDatabase.Create(provider);

    [Fact]
    public async Task Five_hundred_messages_drain_through_flapping_connections_without_a_send_while_disconnected_and_each_is_sent_exactly_once()
    {
        await using var core = await CoreHarness.StartAsync(_dir.Path, settings: new Dictionary<string, string?>(_database.Settings)
        {
            ["Messaging:MinSpacing"] = MinSpacing.ToString("c"),
            ["Messaging:MaxSpacing"] = "00:00:05",
            ["Messaging:RampDelay"] = RampDelay.ToString("c"),
            ["Messaging:RampDuration"] = "00:00:30",
            ["Messaging:DispatchTick"] = "00:00:00.200",
            ["Reconnect:LoopMaxDisconnects"] = "1000", // the flapping is on purpose; the loop breaker is tested elsewhere
        });
        var accounts = new List<AccountState>();
        for (var a = 0; a < Accounts; a++)
        {
            accounts.Add(await core.AddConnectedAsync($"+97250700000{a}", $"Sender {a}"));
        }

        var texts = new Dictionary<long, (string AccountId, string Text)>();
        for (var i = 0; i < MessagesPerAccount; i++)
        {
            foreach (var account in accounts)
            {
                var to = $"+97250800{accounts.IndexOf(account)}{i % RecipientsPerAccount:000}";
                var text = $"Reminder {i:000} from {account.Name}";
                var queued = await core.Outbox.EnqueueAsync(new OutboxRequest(account.Id, to, text, null, null), CancellationToken.None);
                texts[queued.Message.Id] = (account.Id, text);
            }
        }

        var random = new Random(20261122);
        var drops = 0;
        var dropsOf = new Dictionary<string, int>();
        var dropsWhileDraining = 0;
        var simulated = TimeSpan.Zero;
        var sinceDrop = TimeSpan.Zero;
        var started = DateTime.UtcNow;
        while (core.Outbox.QueueDepths.Count > 0)
        {
            Assert.True(simulated < TimeSpan.FromHours(2), $"not drained after {simulated} simulated; {core.Dispatcher.Stats}");
            core.Time.Advance(Step);
            simulated += Step;
            sinceDrop += Step;
            await core.SettleOutboxAsync();

            if (sinceDrop >= DropEvery)
            {
                // Drop a connected account that still has messages to send, between two sends (the outbox is settled).
                var candidates = accounts.Where(a => core.Fleet.Get(a.Id)!.IsConnected && core.Outbox.QueueDepth(a.Id) > 0).ToList();
                if (candidates.Count > 0)
                {
                    var victim = candidates[random.Next(candidates.Count)];
                    Assert.Null(core.Simulator.InjectFault(victim.Id, new SimulatorFault(SimulatorFaultKind.Drop, random.Next(2) == 0 ? "428" : "408")));
                    await core.WaitForAsync(victim.Id, s => !s.IsConnected, "the drop to be seen");
                    drops++;
                    dropsOf[victim.Id] = dropsOf.GetValueOrDefault(victim.Id) + 1;
                    dropsWhileDraining += core.Outbox.QueueDepths.Count > 0 ? 1 : 0;
                    sinceDrop = TimeSpan.Zero;
                }
            }
        }

        var stats = core.Dispatcher.Stats;
        output.WriteLine($"Drained {texts.Count} messages from {Accounts} accounts in {simulated} simulated ({(DateTime.UtcNow - started).TotalSeconds:0.0} s real) through {drops} drops.");
        output.WriteLine($"Dispatcher: {stats}; refused at the engine boundary: {core.SendGuard.RefusedSends}; refused by the simulator: {core.Simulator.RefusedSends}.");

        // Not one send attempt while disconnected: none reached the guard or the engine for an account that was not connected,
        // and the dispatcher never had to hold a claimed message back.
        Assert.Equal(0, core.Simulator.RefusedSends);
        Assert.Equal(0, core.SendGuard.RefusedSends);
        Assert.Equal((0, 0), (stats.HeldNotConnected, stats.RefusedNotConnected));
        Assert.True(dropsWhileDraining >= 20, $"only {dropsWhileDraining} drops happened while messages were waiting");

        var messages = await core.Outbox.ListAsync(new OutboxQuery(Take: 10_000), CancellationToken.None);
        Assert.Equal(Accounts * MessagesPerAccount, messages.Count);
        Assert.All(messages, m => Assert.Equal(OutboxStatus.Sent, m.Status));
        Assert.All(messages, m => Assert.Equal(1, m.Attempts));
        Assert.Equal(texts.Count, stats.Sent);

        foreach (var account in accounts)
        {
            var received = core.Simulator.ReceivedMessages(account.Id);
            var expected = texts.Where(t => t.Value.AccountId == account.Id).Select(t => t.Value.Text).Order().ToList();
            Assert.Equal(expected, received.Select(r => r.Text).Order().ToList()); // each exactly once, nothing else
            var byText = received.ToDictionary(r => r.Text);
            Assert.All(messages.Where(m => m.AccountId == account.Id), m => Assert.Equal(byText[m.Text].MessageId, m.EngineMessageId));

            // Every send falls inside a connection the fleet saw, after its ramp delay; and the spacing held.
            var connections = await ConnectionsAsync(core, account.Id, simulated);
            foreach (var message in received)
            {
                Assert.True(connections.Any(c => message.At >= c.From + RampDelay && message.At <= c.To),
                    $"{account.Name}: '{message.Text}' at {message.At:O} is outside every connection after its ramp delay");
            }

            var times = received.Select(r => r.At).Order().ToList();
            Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= MinSpacing, $"{account.Name}: sends {pair.First:O} and {pair.Second:O} are closer than {MinSpacing}"));
            // Every drop of this account was followed by a new connection (the victims are chosen at random, so counts differ).
            Assert.True(connections.Count >= dropsOf.GetValueOrDefault(account.Id) + 1,
                $"{account.Name} was dropped {dropsOf.GetValueOrDefault(account.Id)} times but connected only {connections.Count} times");
        }
    }

    /// <summary>The periods in which the account was Connected, from its timeline.</summary>
    private static async Task<List<(DateTimeOffset From, DateTimeOffset To)>> ConnectionsAsync(CoreHarness core, string accountId, TimeSpan simulated)
    {
        var timeline = (await core.Fleet.GetTimelineAsync(accountId, 1000, CancellationToken.None)).OrderBy(e => e.At).ToList();
        var periods = new List<(DateTimeOffset, DateTimeOffset)>();
        DateTimeOffset? since = null;
        foreach (var entry in timeline)
        {
            if (entry.To == AccountStatus.Connected && entry.From != AccountStatus.Connected)
            {
                since = entry.At;
            }
            else if (entry.From == AccountStatus.Connected && entry.To != AccountStatus.Connected && since is { } from)
            {
                periods.Add((from, entry.At));
                since = null;
            }
        }

        if (since is { } open)
        {
            periods.Add((open, core.Time.GetUtcNow()));
        }

        return periods;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
        _dir.Dispose();
    }
}
