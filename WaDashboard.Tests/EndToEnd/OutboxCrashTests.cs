using System.Diagnostics;
using System.Text.Json;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Support;
using Xunit.Abstractions;

namespace WaDashboard.Tests.EndToEnd;

[Collection(EndToEndCollection.Name)]
public sealed class OutboxCrashTestsOnSqlite(ITestOutputHelper output) : OutboxCrashTests(output, DatabaseProvider.Sqlite);

/// <summary>The same kills with the messages in PostgreSQL: what a commit acknowledged survives the process.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OutboxCrashTestsOnPostgres(ITestOutputHelper output) : OutboxCrashTests(output, DatabaseProvider.Postgres);

/// <summary>
/// The real app process, killed with SIGKILL (kill -9) several times while it drains 1,000 messages, and restarted on
/// the same data folder. What the simulated phone network received is read from its log on disk, which survives the kills.
/// </summary>
public abstract class OutboxCrashTests(ITestOutputHelper output, DatabaseProvider provider) : IAsyncLifetime
{
    private const int Messages = 1000;
    private const int Accounts = 4;
    private const int Kills = 5;
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(90);

    /// <summary>Fast pacing so the drain takes seconds; every safety rule still applies.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Messaging__MinSpacing"] = "00:00:00",
        ["Messaging__MaxSpacing"] = "00:00:00",
        ["Messaging__RampDelay"] = "00:00:00",
        ["Messaging__RampDuration"] = "00:00:00",
        ["Messaging__PerRecipientLimit"] = "1000",
        ["Messaging__DispatchTick"] = "00:00:00.020",
        ["Simulator__StartDelay"] = "00:00:00.050",
        ["Serilog__MinimumLevel__Default"] = "Warning",
    };

    private readonly TestDatabase _database = TestDatabase.Create(provider);
    private AppProcess? _app;

    private AppProcess App => _app!;

    public async Task InitializeAsync() =>
        _app = await AppProcess.StartAsync(new AppProcessOptions { Settings = Settings.Concat(_database.Environment).ToDictionary(s => s.Key, s => s.Value) });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task Killing_the_process_during_a_drain_of_1000_messages_loses_none_and_sends_none_twice_except_those_marked_Unknown()
    {
        try
        {
            await RunAsync();
        }
        catch (Exception ex) when (ex is not EndToEndFailure)
        {
            throw new EndToEndFailure($"{ex.GetType().Name}: {ex.Message}\n{App.OutputTail()}", ex);
        }
    }

    private async Task RunAsync()
    {
        // Four linked accounts, stopped while the messages are queued: nothing may go out meanwhile.
        var phones = new List<string>();
        for (var a = 0; a < Accounts; a++)
        {
            var phone = $"+97250555000{a}";
            await App.Api.AddAccountAsync($"Reminders {a}", phone);
            await App.Api.LinkWithQrAsync(phone);
            await App.Api.ScanAsync(phone);
            await App.Api.WaitForStatusAsync(phone, "Connected");
            await App.Api.StopAccountAsync(phone);
            await App.Api.WaitForStatusAsync(phone, "Stopped");
            phones.Add(phone);
        }

        var queued = new Dictionary<long, (string Phone, string To, string Text, string Key)>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Messages), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (phone, to, text, key) = (phones[i % Accounts], $"+9725090{i % 50:00000}", $"Crash test reminder {i:0000}", $"crash-{i:0000}");
            var message = await App.Api.SendMessageAsync(phone, to, text, key);
            lock (queued)
            {
                queued.Add(message.Id, (phone, to, text, key));
            }
        });
        var enqueueTime = clock.Elapsed;
        Assert.Equal(Messages, queued.Count);
        Assert.Equal(Messages, (await App.Api.GetOutboxSummaryAsync()).Count("Pending"));
        Assert.Empty(ReadReceivedLog());

        clock.Restart();
        foreach (var phone in phones)
        {
            await App.Api.ReconnectAsync(phone);
        }

        // Kill -9 at random points of the drain, each time after more messages went out, and start again.
        var random = new Random(20261122);
        var killedAt = new List<(int Sent, int Sending)>();
        var replayed = 0;
        for (var kill = 1; kill <= Kills; kill++)
        {
            var target = Math.Min(Messages - 50, kill * Messages / (Kills + 1) + random.Next(-40, 40));
            await WaitForAsync(s => s.Count("Sent") >= target, $"{target} messages sent before kill {kill}");
            var before = await App.Api.GetOutboxSummaryAsync();
            await App.KillAsync();
            killedAt.Add((before.Count("Sent"), before.Count("Sending")));
            await App.StartAgainAsync();

            // A client that did not see its answer before the crash sends the same request again: it gets the same message.
            foreach (var (id, request) in queued.OrderBy(_ => random.Next()).Take(5).ToList())
            {
                var again = await App.Api.SendMessageAsync(request.Phone, request.To, request.Text, request.Key);
                Assert.True(again.Replayed, $"repeating the request of message {id} after a crash must replay it");
                Assert.Equal(id, again.Id);
                replayed++;
            }
        }

        await WaitForAsync(s => s.Count("Pending") == 0 && s.Count("Sending") == 0, "the outbox to drain after the last restart", DrainPatience);
        var drainTime = clock.Elapsed;

        var messages = await App.Api.ListMessagesAsync();
        var summary = await App.Api.GetOutboxSummaryAsync();
        var received = ReadReceivedLog();
        var deliveries = received.GroupBy(r => r.Text).ToDictionary(g => g.Key, g => g.ToList());
        var unknown = messages.Where(m => m.Status == "Unknown").ToList();
        var unknownDelivered = unknown.Count(m => deliveries.ContainsKey(m.Text));

        output.WriteLine($"Queued {Messages} messages for {Accounts} accounts in {enqueueTime.TotalSeconds:0.0} s; drained through {Kills} kill -9 in {drainTime.TotalSeconds:0.0} s.");
        output.WriteLine($"Killed at (sent, sending): {string.Join("; ", killedAt.Select(k => $"({k.Sent}, {k.Sending})"))}.");
        output.WriteLine($"Final: {string.Join(", ", summary.ByStatus.Where(s => s.Value > 0).Select(s => $"{s.Key} {s.Value}"))}; " +
                         $"deliveries logged by the simulated network: {received.Count} ({deliveries.Count} distinct).");
        output.WriteLine($"Unknown: {unknown.Count} ({unknownDelivered} had gone out before the kill, {unknown.Count - unknownDelivered} had not); " +
                         $"repeated requests after a crash answered with the original message: {replayed}.");
        output.WriteLine($"Refused at the engine boundary: {summary.RefusedAtEngineBoundary}; held by the dispatcher: {summary.HeldNotConnected}; refused as not connected: {summary.RefusedNotConnected} (last run).");

        // None lost: every queued message is there, and each ended Sent or, if it was in flight at a kill, Unknown.
        Assert.Equal(Messages, messages.Count);
        Assert.Equal(queued.Keys.Order(), messages.Select(m => m.Id).Order());
        Assert.All(messages, m => Assert.Contains(m.Status, new[] { "Sent", "Unknown" }));
        Assert.True(unknown.Count <= Kills * Accounts, $"{unknown.Count} Unknown: at most one message per account can be in flight at a kill");

        // None sent twice: no text reached the network more than once; a Sent message exactly once, under the id it recorded.
        Assert.All(deliveries, d => Assert.True(d.Value.Count == 1, $"'{d.Key}' was delivered {d.Value.Count} times"));
        foreach (var message in messages.Where(m => m.Status == "Sent"))
        {
            Assert.True(deliveries.TryGetValue(message.Text, out var delivered), $"message {message.Id} is Sent but never reached the network");
            Assert.Equal(message.EngineMessageId, delivered[0].MessageId);
        }

        // The guards had nothing to stop in the last run, including the moment after the restart when the accounts'
        // stored status still said Connected before their sessions were restored.
        Assert.Equal((0, 0, 0), (summary.RefusedAtEngineBoundary, summary.HeldNotConnected, summary.RefusedNotConnected));

        // A person settles the unknown ones (checking the phone: here, the network's log), and everything arrives exactly once.
        foreach (var message in unknown)
        {
            await App.Api.ResolveMessageAsync(message.Id, deliveries.ContainsKey(message.Text) ? "sent" : "resend");
        }

        await WaitForAsync(s => s.Count("Sent") == Messages, "every message Sent after the Unknown ones were resolved");
        var finalReceived = ReadReceivedLog();
        Assert.Equal(Messages, finalReceived.Count);
        Assert.Equal(queued.Values.Select(q => q.Text).Order(), finalReceived.Select(r => r.Text).Order());
    }

    private async Task WaitForAsync(Func<ApiOutboxSummary, bool> predicate, string what, TimeSpan? patience = null)
    {
        var clock = Stopwatch.StartNew();
        ApiOutboxSummary last;
        while (!predicate(last = await App.Api.GetOutboxSummaryAsync()))
        {
            if (clock.Elapsed > (patience ?? DrainPatience))
            {
                throw new TimeoutException($"Waited for {what}; the outbox is {string.Join(", ", last.ByStatus.Select(s => $"{s.Key} {s.Value}"))}.");
            }

            await Task.Delay(10);
        }
    }

    private List<ReceivedLogLine> ReadReceivedLog()
    {
        var path = Path.Combine(App.DataDirectory, "simulator", "received.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<ReceivedLogLine>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(JsonSerializer.Deserialize<ReceivedLogLine>(line) ?? throw new InvalidDataException($"An empty line in {path}."));
        }

        return lines;
    }
}
