using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Tests.Support;

/// <summary>
/// The real Core (supervisors, simulator, SQLite file, hosted services) in a <see cref="CoreHost"/> on a temp folder,
/// with a fake clock and short simulator delays. Restartable on the same folder to test what survives a restart.
/// </summary>
public sealed class CoreHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly CoreHost _host;

    private CoreHarness(CoreHost host, string dataDirectory, FakeTimeProvider time)
    {
        _host = host;
        DataDirectory = dataDirectory;
        Time = time;
    }

    public string DataDirectory { get; }
    public FakeTimeProvider Time { get; }
    public IServiceProvider Services => _host.Services;
    public Fleet Fleet => _host.Fleet;
    public SimulatorEngine Simulator => Services.GetRequiredService<SimulatorEngine>();
    public FleetEvents Events => _host.Events;
    public ConnectGate Gate => _host.Gate;
    public Core.Monitoring.ConnectionMonitor Monitor => Services.GetRequiredService<Core.Monitoring.ConnectionMonitor>();
    public Core.Health.AlertCenter Alerts => Services.GetRequiredService<Core.Health.AlertCenter>();
    public Core.Messaging.Outbox Outbox => Services.GetRequiredService<Core.Messaging.Outbox>();
    public Core.Messaging.OutboxDispatcher Dispatcher => Services.GetRequiredService<Core.Messaging.OutboxDispatcher>();
    public Core.Engines.EngineSendGuard SendGuard => Services.GetRequiredService<Core.Engines.EngineSendGuard>();

    public static async Task<CoreHarness> StartAsync(string dataDirectory, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        time ??= new FakeTimeProvider(TestClock.Start);
        var config = new Dictionary<string, string?>
        {
            ["Simulator:StartDelay"] = "00:00:00.100",
            ["Simulator:PreKeyFiles"] = "3",
            ["Supervision:DeadlineTick"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var host = CoreHost.Build(dataDirectory, config, time);
        await host.StartAsync(CancellationToken.None);
        return new CoreHarness(host, dataDirectory, time);
    }

    /// <summary>Waits (in real time) until the account's state matches.</summary>
    public async Task<AccountState> WaitForAsync(string accountId, Func<AccountState, bool> predicate, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            if (Fleet.Get(accountId) is { } state && predicate(state))
            {
                return state;
            }

            await Task.Delay(10);
        }

        var last = Fleet.Get(accountId);
        throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}; the account is {last?.Status} ({last?.Note}).");
    }

    /// <summary>Moves the fake clock in small steps, giving the supervisors time to react between steps.</summary>
    public async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        var stepSize = step ?? TimeSpan.FromMilliseconds(100);
        var remaining = by;
        while (remaining > TimeSpan.Zero)
        {
            var move = remaining < stepSize ? remaining : stepSize;
            Time.Advance(move);
            remaining -= move;
            await Task.Delay(1);
        }
    }

    /// <summary>Adds an account and links it through QR + simulated scan until it is connected.</summary>
    public async Task<AccountState> AddConnectedAsync(string phone, string name = "Test")
    {
        var account = await Fleet.AddAsync(name, phone, CancellationToken.None);
        await Fleet.SendAsync(account.Id, new LinkCommand(Core.Engines.LinkMode.Qr), CancellationToken.None);
        await AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.AwaitingQrScan, "a QR code");
        Assert.Null(Simulator.Scan(account.Id));
        return await AdvanceUntilAsync(account.Id, s => s.Status == AccountStatus.Connected, "Connected");
    }

    /// <summary>Advances the fake clock in steps until the whole fleet matches; returns the simulated time it took.</summary>
    public async Task<TimeSpan> AdvanceUntilFleetAsync(Func<IReadOnlyList<AccountState>, bool> predicate, string what, TimeSpan step, TimeSpan limit, Action<TimeSpan>? afterStep = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var simulated = TimeSpan.Zero;
        while (!predicate(Fleet.Accounts))
        {
            if (DateTime.UtcNow > deadline || simulated > limit)
            {
                var counts = string.Join(", ", Fleet.Accounts.GroupBy(a => a.Status).Select(g => $"{g.Key}={g.Count()}"));
                throw new TimeoutException($"Never reached {what} within {simulated}; the fleet is {counts}.");
            }

            Time.Advance(step);
            simulated += step;
            await Task.Delay(5);
            afterStep?.Invoke(simulated);
        }

        return simulated;
    }

    /// <summary>Advances the fake clock in small steps until the account's state matches.</summary>
    public async Task<AccountState> AdvanceUntilAsync(string accountId, Func<AccountState, bool> predicate, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        var simulated = TimeSpan.Zero;
        while (DateTime.UtcNow < deadline && simulated <= (limit ?? TimeSpan.FromHours(1)))
        {
            if (Fleet.Get(accountId) is { } state && predicate(state))
            {
                return state;
            }

            Time.Advance(TimeSpan.FromMilliseconds(50));
            simulated += TimeSpan.FromMilliseconds(50);
            await Task.Delay(2);
        }

        var last = Fleet.Get(accountId);
        throw new TimeoutException($"Never reached {what}; the account is {last?.Status} ({last?.Note}).");
    }

    /// <summary>
    /// Waits (in real time) until the outbox is quiet at the current fake time: a dispatcher pass that began after this
    /// call has finished, no send is in flight, and the last pass claimed nothing more.
    /// </summary>
    public async Task SettleOutboxAsync()
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var claims = Dispatcher.Claims;
            var started = Dispatcher.PassesStarted;
            Outbox.Wake();
            while (Dispatcher.PassesCompleted <= started || Dispatcher.InFlight > 0)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The outbox did not settle within {Patience.TotalSeconds} s: {Dispatcher.Stats}.");
                }

                await Task.Delay(1);
            }

            if (Dispatcher.Claims == claims)
            {
                return;
            }
        }
    }

    /// <summary>Moves the fake clock in steps, settling the outbox after each, until <paramref name="done"/> holds.</summary>
    public async Task<TimeSpan> AdvanceOutboxUntilAsync(Func<Task<bool>> done, string what, TimeSpan step, TimeSpan limit)
    {
        var simulated = TimeSpan.Zero;
        await SettleOutboxAsync();
        while (!await done())
        {
            if (simulated > limit)
            {
                throw new TimeoutException($"Never reached {what} within {limit} of simulated time: {Dispatcher.Stats}.");
            }

            Time.Advance(step);
            simulated += step;
            await SettleOutboxAsync();
        }

        return simulated;
    }

    /// <summary>Lets <paramref name="total"/> of fake time pass in steps, settling the outbox after each.</summary>
    public async Task PassTimeAsync(TimeSpan total, TimeSpan step)
    {
        for (var passed = TimeSpan.Zero; passed < total; passed += step)
        {
            Time.Advance(step);
            await SettleOutboxAsync();
        }
    }

    /// <summary>The message as stored.</summary>
    public async Task<Core.Messaging.OutboxMessage> MessageAsync(long id) =>
        await Outbox.GetAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"Message {id} is not in the outbox.");

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
