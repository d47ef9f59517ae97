using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Bench.Seeding;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// All N accounts drop at once: peak concurrent connect attempts, attempts per second, time until all are connected
/// again — on simulated time (the real Core with a simulated clock), so minutes of outage cost seconds. Floor: the
/// same N sessions started on the simulator with no pacing at all (the stampede the fleet-wide pacing prevents).
/// </summary>
public sealed class StormScenario : IScenario
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(2);

    public string Name => "storm";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var n = context.Options.Accounts;
        var folder = context.NewFolder("storm");
        var data = AppProcess.DataDirectoryIn(folder);
        context.Progress($"seeding {n:N0} linked accounts");
        var accounts = await FleetSeed.SeedAsync(data, n, new SeedShape(), cancellationToken);

        var clock = new SimulatedClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        Storm restart, drop;
        ReconnectOptions policy;
        await using (var host = CoreHost.Build(data, new Dictionary<string, string?>(), clock, replace: CommitWatch.Register))
        {
            policy = host.Services.GetRequiredService<IOptions<ReconnectOptions>>().Value;
            var watch = new StormWatch(host, clock);
            await host.StartAsync(cancellationToken);
            context.Progress($"restart: {n:N0} linked sessions restore at once");
            restart = await watch.RunUntilAllConnectedAsync(n, "restore after a restart", attemptsBefore: 0, cancellationToken);
            context.Progress($"all connected after {restart.Recovery.TotalSeconds:0.#} simulated s; now every account drops at once (428)");

            var simulator = host.Services.GetRequiredService<SimulatorEngine>();
            var attemptsBeforeDrop = host.Gate.Attempts;
            host.Gate.ResetPeak();
            foreach (var account in accounts)
            {
                if (simulator.InjectFault(account.Id, new SimulatorFault(SimulatorFaultKind.Drop)) is { } error)
                {
                    throw new InvalidOperationException($"Could not drop {account.Id}: {error}");
                }
            }

            drop = await watch.RunUntilAllConnectedAsync(n, "reconnect after all dropped", attemptsBeforeDrop, cancellationToken);
            context.Progress($"all connected again after {drop.Recovery.TotalSeconds:0.#} simulated s ({drop.RealTime.TotalSeconds:0.#} s real)");
        }

        context.Progress("floor: the same sessions started on the simulator with no pacing");
        var floor = await UnpacedAsync(data, accounts, cancellationToken);
        context.Discard(folder);

        var perSecondLimit = n * 0.02;
        var perSecondAllowed = Math.Max(policy.MinConnectsPerSecond, n * policy.ConnectRatePercent / 100);
        return new ScenarioReport(Name, $"{n:N0} accounts drop at once (simulated time)", n,
            "the same sessions started on the simulator at once, with no pacing (the stampede the fleet-wide pacing prevents)",
            [
                new Metric("peak connect attempts started in 1 s", "/s", drop.PeakPerSecond, floor.PeakPerSecond, Target.AtMost(perSecondLimit, "/s (2% of the fleet)")),
                new Metric("mean connect attempts per second", "/s", drop.MeanPerSecond, floor.MeanPerSecond),
                new Metric("peak concurrent connect attempts", "", drop.PeakConcurrent, floor.PeakConcurrent),
                new Metric("all connected again after the drop", "s", drop.Recovery.TotalSeconds, floor.Recovery.TotalSeconds, Target.AtMost(300, "s")),
                new Metric("restart: all restored", "s", restart.Recovery.TotalSeconds),
                new Metric("restart: peak attempts started in 1 s", "/s", restart.PeakPerSecond),
            ],
            [
                $"Simulated time: the real Core and simulator run on a simulated clock advanced in {Step.TotalMilliseconds:0} ms steps, each step waiting until the product is idle; " +
                $"the run took {(restart.RealTime + drop.RealTime).TotalSeconds:0} s of real time.",
                "The outage is instant: every connection closes with 428 at the same moment and the network is back at once; recovery is counted from that moment.",
                $"Product settings as shipped: connect rate max({policy.MinConnectsPerSecond}, {policy.ConnectRatePercent}% of the fleet) = {perSecondAllowed:0}/s, " +
                $"at most {policy.MaxConcurrentConnects} in flight, backoff random(0, {policy.BaseDelay.TotalSeconds:0} s) for the first retry, simulator connect 0.4 s. " +
                $"With 0.4 s per connect, {policy.MaxConcurrentConnects} in flight allow {policy.MaxConcurrentConnects / 0.4:0}/s: " +
                (policy.MaxConcurrentConnects / 0.4 < perSecondAllowed ? "the limit in flight, not the rate, paces this fleet." : "the rate paces this fleet."),
                $"Peak per second is the most attempts started in any 1 s window (sampled every {Step.TotalMilliseconds:0} ms of simulated time).",
                .. n * policy.ConnectRatePercent / 100 < policy.MinConnectsPerSecond
                    ? new[] { $"Below {policy.MinConnectsPerSecond * 100 / policy.ConnectRatePercent:0} accounts the rate's floor of {policy.MinConnectsPerSecond}/s (Reconnect:MinConnectsPerSecond) is above {policy.ConnectRatePercent}% of the fleet: the 2% target is for large fleets." }
                    : [],
            ],
            0);
    }

    private sealed record Storm(TimeSpan Recovery, double PeakPerSecond, double MeanPerSecond, int PeakConcurrent, TimeSpan RealTime);

    /// <summary>Advances the simulated clock step by step, letting the product catch up between steps, and counts.</summary>
    private sealed class StormWatch
    {
        private readonly CoreHost _host;
        private readonly SimulatedClock _clock;
        private readonly CommitWatch _commits;
        private readonly ChannelCount _engineEvents;
        private readonly object _lock = new();
        private readonly HashSet<string> _connected = new(StringComparer.Ordinal);
        private long _published;

        public StormWatch(CoreHost host, SimulatedClock clock)
        {
            _host = host;
            _clock = clock;
            _commits = host.Services.GetRequiredService<CommitWatch>();
            _engineEvents = new ChannelCount(host.Services.GetRequiredService<IWhatsAppEngine>());
            host.Events.Subscribe(e =>
            {
                Interlocked.Increment(ref _published);
                if (e is AccountChanged { State: var state })
                {
                    lock (_lock)
                    {
                        if (state.Status == AccountStatus.Connected)
                        {
                            _connected.Add(state.Id);
                        }
                        else
                        {
                            _connected.Remove(state.Id);
                        }
                    }
                }
            });
        }

        private int Connected
        {
            get
            {
                lock (_lock)
                {
                    return _connected.Count;
                }
            }
        }

        /// <param name="attemptsBefore">The gate's attempt count before the storm began.</param>
        public Task<Storm> RunUntilAllConnectedAsync(int n, string what, long attemptsBefore, CancellationToken cancellationToken) =>
            Task.Factory.StartNew(() => Run(n, what, attemptsBefore, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        /// <summary>Steps the clock from a thread of its own (not the pool), so the pool's counters show only the product's work.</summary>
        private Storm Run(int n, string what, long attemptsBefore, CancellationToken cancellationToken)
        {
            var real = Stopwatch.StartNew();
            var gate = _host.Gate;
            var stepsPerSecond = (int)Math.Round(TimeSpan.FromSeconds(1) / Step);
            var simulated = TimeSpan.Zero;
            // What starts at this very moment is counted in the first window, (now - 1 s, now].
            Settle();
            long peakPerSecond = gate.Attempts - attemptsBefore;
            var history = new List<long> { gate.Attempts };
            while (Connected < n)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (simulated > Limit)
                {
                    throw new TimeoutException($"{what}: only {Connected} of {n} connected after {Limit.TotalMinutes:0} simulated minutes.");
                }

                var fired = _clock.Fired;
                _clock.Advance(Step);
                simulated += Step;
                if (_clock.Fired != fired)
                {
                    // Nothing runs unless a timer fired: the product was idle before the step.
                    Settle();
                }

                history.Add(gate.Attempts);
                var windowStart = history[Math.Max(0, history.Count - 1 - stepsPerSecond)];
                peakPerSecond = Math.Max(peakPerSecond, gate.Attempts - windowStart);
            }

            var attempts = gate.Attempts - attemptsBefore;
            return new Storm(simulated, peakPerSecond, attempts / Math.Max(simulated.TotalSeconds, Step.TotalSeconds), gate.Peak, real.Elapsed);
        }

        /// <summary>
        /// Waits until nothing moves: no engine event queued, no save in flight, no work item queued or finished on the
        /// thread pool and no new fleet event or connect attempt across two polls a millisecond apart. Polls from this
        /// thread without queueing work of its own.
        /// </summary>
        private void Settle()
        {
            var quiet = 0;
            var last = (-1L, -1L, -1L);
            var patience = Stopwatch.StartNew();
            while (quiet < 2)
            {
                Thread.Sleep(1);
                var now = (Interlocked.Read(ref _published), _host.Gate.Attempts, ThreadPool.CompletedWorkItemCount);
                var idle = ThreadPool.PendingWorkItemCount == 0 && _commits.InFlight == 0 && _engineEvents.Queued == 0;
                quiet = now == last && idle ? quiet + 1 : 0;
                last = now;
                if (patience.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException("The product did not settle within 2 minutes of a clock step.");
                }
            }
        }
    }

    /// <summary>Events waiting in the engine's channel for the fleet's pump.</summary>
    private sealed class ChannelCount(IWhatsAppEngine engine)
    {
        public int Queued => engine.Events.CanCount ? engine.Events.Count : 0;
    }

    /// <summary>The floor: every session started on the simulator at the same moment, as with no pacing at all.</summary>
    private static async Task<Storm> UnpacedAsync(string data, IReadOnlyList<SeededAccount> accounts, CancellationToken cancellationToken)
    {
        var real = Stopwatch.StartNew();
        var clock = new SimulatedClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var engine = new SimulatorEngine(clock, Options.Create(new SimulatorOptions()), NullLogger<SimulatorEngine>.Instance);
        foreach (var account in accounts)
        {
            await engine.StartSessionAsync(new SessionStartRequest(account.Id, 1, FleetSeed.GenerationFolder(data, account.Id), LinkMode.None, account.Digits), cancellationToken);
        }

        var connected = 0;
        var simulated = TimeSpan.Zero;
        while (connected < accounts.Count)
        {
            if (simulated > Limit)
            {
                throw new TimeoutException($"The unpaced simulator connected only {connected} of {accounts.Count} sessions.");
            }

            clock.Advance(Step);
            simulated += Step;
            while (engine.Events.TryRead(out var e))
            {
                if (e is SessionConnected)
                {
                    connected++;
                }
            }
        }

        return new Storm(simulated, accounts.Count, accounts.Count / Math.Max(1, simulated.TotalSeconds), accounts.Count, real.Elapsed);
    }
}
