using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Bench.Seeding;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// Engine events through supervisor, database and UI notification, in the real Core on a real SQLite file (or, with
/// --pipeline-database postgres, a durable PostgreSQL server started for the run): events/s
/// with the pipeline saturated, then p50/p95/p99 latency to commit and to notification at the target rate.
/// Floor: raw writes of the same rows (one account update and one timeline insert per event) on the same database and disk.
/// </summary>
public sealed class PipelineScenario : IScenario
{
    private const int Generation = 1;
    private const int MaxBatch = 500;

    public string Name => "pipeline";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var n = options.Accounts;
        var folder = context.NewFolder("pipeline");
        var data = AppProcess.DataDirectoryIn(folder);
        // Accounts whose link is being finished: a SessionConnected connects them, then they alternate.
        var shape = new SeedShape { Status = AccountStatus.Reconnecting, Linked = false, WriteFolders = false };
        var postgres = options.PipelineDatabase == "postgres";
        using var server = postgres ? await StartPostgresAsync(context) : null;

        // The data folder, and the database: the SQLite file in it, or a new database on the run's server.
        async Task<BenchDatabase> DatabaseFor(string dataDirectory)
        {
            Directory.CreateDirectory(dataDirectory);
            return server is null
                ? BenchDatabase.SqliteFile(FleetSeed.DatabasePath(dataDirectory))
                : new BenchDatabase(DatabaseProvider.Postgres, await server.NewDatabaseAsync());
        }

        var database = await DatabaseFor(data);
        context.Progress($"seeding {n:N0} accounts ({database.Provider})");
        var accounts = await FleetSeed.SeedAsync(database, data, n, shape, cancellationToken);

        var engine = new ScriptedEngine();
        engine.ReportLive(accounts.Select(a => a.Id), Generation);
        var settings = new Dictionary<string, string?>
        {
            // The bench drops the same accounts again and again: the loop breaker would pause them.
            ["Reconnect:LoopMaxDisconnects"] = "1000",
            // No reconnect deadline comes due during the run: every state change comes from an engine event.
            ["Reconnect:BaseDelay"] = "01:00:00",
            ["Reconnect:MaxDelay"] = "01:00:00",
        };
        foreach (var (key, value) in database.Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var phaseSeconds = options.PipelineSeconds;
        PhaseResult saturated, paced;
        long strayStarts;
        using var pauses = new GcPauses();
        await using (var host = CoreHost.Build(data, settings, logFile: Path.Combine(data, "logs", "wadashboard.log"), replace: services =>
                     {
                         services.Replace(ServiceDescriptor.Singleton<IWhatsAppEngine>(engine));
                         CommitWatch.Register(services);
                     }))
        {
            await host.StartAsync(cancellationToken);
            var driver = new Driver(accounts, engine, host.Events, host.Services.GetRequiredService<CommitWatch>(), pauses, options.LatencyTracePath);
            context.Progress("warming up (one event per account)");
            await driver.ClosedLoopAsync(TimeSpan.Zero, cancellationToken);
            context.Progress($"saturated: every account has an event in flight, for {phaseSeconds:0} s");
            saturated = await driver.ClosedLoopAsync(TimeSpan.FromSeconds(phaseSeconds), cancellationToken);
            // The saturated phase leaves a backlog behind it (on SQLite, a write-ahead log of its 100,000s of events that the
            // next checkpoints copy back): the latency is measured once the paced rate has run long enough to be steady.
            var warmUp = TimeSpan.FromSeconds(Math.Min(3, phaseSeconds));
            context.Progress($"{saturated.Rate:N0} events/s; paced at {options.PipelineRate:N0} events/s, {warmUp.TotalSeconds:0} s to settle, then measured for {phaseSeconds:0} s");
            await driver.PacedAsync(options.PipelineRate, warmUp, cancellationToken);
            paced = await driver.PacedAsync(options.PipelineRate, TimeSpan.FromSeconds(phaseSeconds), cancellationToken);
            strayStarts = engine.Starts;
        }

        context.Discard(folder);

        var engineName = postgres ? "PostgreSQL" : "SQLite";
        context.Progress($"floor: raw {engineName} writes of the same rows");
        var rawFolder = context.NewFolder("pipeline-raw");
        var rawData = AppProcess.DataDirectoryIn(rawFolder);
        var rawDatabase = await DatabaseFor(rawData);
        var rawEvents = (int)Math.Clamp(saturated.Events, 10_000, 200_000);
        var raw = await PipelineFloor.MeasureAsync(rawDatabase, rawData, n, shape, rawEvents, MaxBatch, singles: 500, cancellationToken);
        context.Discard(rawFolder);

        var rate = options.PipelineRate;
        return new ScenarioReport(Name, $"engine events -> supervisor -> {engineName} -> UI notification, {n:N0} accounts", n,
            $"raw {engineName} writes of the same rows on the same disk: {MaxBatch} events per transaction for the rate, one event per transaction for the latency",
            [
                new Metric("events/s, saturated", "/s", saturated.Rate, raw.EventsPerSecond, Target.AtLeast(5_000, "/s")),
                new Metric($"events/s, offered {rate:N0}/s", "/s", paced.Rate),
                new Metric("CPU per event, saturated (all threads)", "us", saturated.CpuPerEvent),
                new Metric("p50 to notification", "ms", paced.Notification.Percentile(50), raw.Commit.Percentile(50)),
                new Metric("p95 to notification", "ms", paced.Notification.Percentile(95), raw.Commit.Percentile(95)),
                new Metric("p99 to notification", "ms", paced.Notification.Percentile(99), raw.Commit.Percentile(99), Target.AtMost(10, "ms")),
                new Metric("p50 to commit", "ms", paced.Commit.Percentile(50), raw.Commit.Percentile(50)),
                new Metric("p95 to commit", "ms", paced.Commit.Percentile(95), raw.Commit.Percentile(95)),
                new Metric("p99 to commit", "ms", paced.Commit.Percentile(99), raw.Commit.Percentile(99)),
                new Metric("p99 to notification, samples no GC pause overlapped", "ms", paced.Tail!.P99WithoutPauses, raw.Commit.Percentile(99)),
                new Metric("samples above the p99 that a GC pause overlapped", "%", paced.Tail.ShareHeldByPauses),
                new Metric("longest GC pause during the paced phase", "ms", paced.Tail.LongestPauseMs),
                new Metric("allocated per event, paced (whole process)", "KB", paced.KilobytesPerEvent),
                new Metric("GC collections during the paced phase", "", paced.Gc.Count),
                new Metric("GC pause time during the paced phase", "ms", paced.Gc.Paused.TotalMilliseconds),
            ],
            [
                "Each event is a status change the UI must see: SessionConnected (-> Connected) and SessionDisconnected 428 (-> Reconnecting) alternate per account; " +
                "each commits one account row and one timeline row, then AccountChanged is published to FleetEvents, where pages subscribe.",
                "Events enter where a real engine's do (the engine's event channel, pumped by the fleet); the product's batched writer, transitions and file log run as in the app.",
                $"Latency is measured at {rate:N0} offered events/s ({paced.Notification.Count:N0} samples), after the same rate ran unmeasured for up to 3 s to settle " +
                "the saturated phase's backlog; 'saturated' keeps one event in flight per account.",
                $"Garbage collector: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {System.Runtime.GCSettings.LatencyMode} " +
                $"(the app's own setting, shared through Directory.Build.props); paced phase: {paced.Gc.Gen0} collections ({paced.Gc.Gen1} of gen1, {paced.Gc.Gen2} of gen2), " +
                $"{paced.Gc.Paused.TotalMilliseconds:0} ms paused in all.",
                "The loop breaker is raised and the reconnect delay set to 1 h so that every change comes from an engine event " +
                $"(reconnect deadlines that still came due: {strayStarts}).",
            ],
            0);
    }

    /// <summary>A durable PostgreSQL server of the run's own (Debian's package, fsync on, defaults otherwise) on loopback.</summary>
    private static async Task<PostgresServer> StartPostgresAsync(BenchContext context)
    {
        context.Progress("starting a durable PostgreSQL server (initdb, pg_ctl start)");
        return await PostgresServer.StartAsync(durable: true);
    }

    private sealed record PhaseResult(long Events, TimeSpan Elapsed, Samples Notification, Samples Commit, TimeSpan Cpu, Collections Gc, Tail? Tail = null)
    {
        public double Rate => Events / Elapsed.TotalSeconds;

        /// <summary>Bytes allocated by the whole process per event, in KB.</summary>
        public double KilobytesPerEvent => Gc.Allocated / 1024.0 / Math.Max(1, Events);

        /// <summary>The process's CPU time per event, in microseconds.</summary>
        public double CpuPerEvent => Cpu.TotalMicroseconds / Math.Max(1, Events);
    }

    /// <summary>
    /// What the latency tail is made of: the p99 of the samples no collection pause overlapped, the share of the samples
    /// above the overall p99 that a pause did overlap, and the longest pause.
    /// </summary>
    private sealed record Tail(double P99WithoutPauses, double ShareHeldByPauses, int Pauses, double LongestPauseMs);

    /// <summary>What the garbage collector did during a phase: its pauses are what the latency tail is made of.</summary>
    private sealed record Collections(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static Collections Now() => new(GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1),
            GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public Collections Since(Collections start) =>
            new(Allocated - start.Allocated, Gen0 - start.Gen0, Gen1 - start.Gen1, Gen2 - start.Gen2, Paused - start.Paused);

        /// <summary>Collections of any generation (a gen1 collection also counts as gen0's).</summary>
        public int Count => Gen0;
    }

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Feeds engine events, one in flight per account, and times each to its commit and its notification.</summary>
    private sealed class Driver
    {
        private const int None = -1;
        private readonly IReadOnlyList<SeededAccount> _accounts;
        private readonly Dictionary<string, int> _index;
        private readonly long[] _emittedAt;
        private readonly int[] _expected;
        private readonly bool[] _connected;
        private readonly ScriptedEngine _engine;
        private readonly GcPauses _pauses;
        private readonly string? _tracePath;
        private readonly List<(long Emitted, long Notified, double Ms)> _spans = [];
        private bool _recordSpans;
        private Samples? _notification;
        private Samples? _commit;
        private Action<int>? _done;
        private long _notified;
        private int _outstanding;

        public Driver(IReadOnlyList<SeededAccount> accounts, ScriptedEngine engine, FleetEvents events, CommitWatch commits, GcPauses pauses, string? tracePath)
        {
            _tracePath = tracePath;
            _accounts = accounts;
            _engine = engine;
            _pauses = pauses;
            _index = accounts.ToDictionary(a => a.Id, a => a.Index, StringComparer.Ordinal);
            _emittedAt = new long[accounts.Count];
            _expected = Enumerable.Repeat(None, accounts.Count).ToArray();
            _connected = new bool[accounts.Count];
            commits.Committed = OnCommitted;
            events.Subscribe(OnEvent);
        }

        public async Task<PhaseResult> ClosedLoopAsync(TimeSpan duration, CancellationToken cancellationToken)
        {
            var running = duration > TimeSpan.Zero ? 1 : 0;
            var notification = new Samples();
            var commit = new Samples();
            _notification = notification;
            _commit = commit;
            _done = i =>
            {
                if (Volatile.Read(ref running) == 1)
                {
                    Emit(i);
                }
            };
            var before = Interlocked.Read(ref _notified);
            var cpu = ProcessCpu();
            var gc = Collections.Now();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < _accounts.Count; i++)
            {
                Emit(i);
            }

            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration, cancellationToken);
                Volatile.Write(ref running, 0);
            }

            var events = Interlocked.Read(ref _notified) - before;
            var elapsed = clock.Elapsed;
            var used = ProcessCpu() - cpu;
            var collected = Collections.Now().Since(gc);
            await DrainAsync(cancellationToken);
            return new PhaseResult(duration > TimeSpan.Zero ? events : Interlocked.Read(ref _notified) - before, elapsed, notification, commit, used, collected);
        }

        public async Task<PhaseResult> PacedAsync(double perSecond, TimeSpan duration, CancellationToken cancellationToken)
        {
            var free = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, _accounts.Count));
            var notification = new Samples();
            var commit = new Samples();
            _notification = notification;
            _commit = commit;
            _done = free.Enqueue;
            lock (_spans)
            {
                _spans.Clear();
                _recordSpans = true;
            }

            var before = Interlocked.Read(ref _notified);
            var cpu = ProcessCpu();
            var gc = Collections.Now();
            var started = Stopwatch.GetTimestamp();
            var clock = Stopwatch.StartNew();
            var pacer = new Thread(() =>
            {
                long emitted = 0;
                while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
                {
                    var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
                    while (emitted < due && free.TryDequeue(out var i))
                    {
                        Emit(i);
                        emitted++;
                    }

                    Thread.Sleep(1);
                }
            }) { IsBackground = true, Name = "bench pacer", Priority = ThreadPriority.AboveNormal };
            pacer.Start();
            await Task.Run(pacer.Join, cancellationToken);
            var elapsed = clock.Elapsed;
            await DrainAsync(cancellationToken);
            var collected = Collections.Now().Since(gc);
            lock (_spans)
            {
                _recordSpans = false;
            }

            return new PhaseResult(Interlocked.Read(ref _notified) - before, elapsed, notification, commit, ProcessCpu() - cpu, collected,
                TailOf(notification.Percentile(99), started, Stopwatch.GetTimestamp()));
        }

        private Tail TailOf(double p99, long from, long to)
        {
            var untouched = new Samples();
            int tail = 0, held = 0;
            List<(long Emitted, double Ms, bool Overlapped)> spans;
            lock (_spans)
            {
                spans = _spans.Select(sp => (sp.Emitted, sp.Ms, _pauses.Overlaps(sp.Emitted, sp.Notified))).ToList();
            }

            foreach (var (_, ms, overlapped) in spans)
            {
                if (!overlapped)
                {
                    untouched.Add(ms);
                }

                if (ms > p99)
                {
                    tail++;
                    held += overlapped ? 1 : 0;
                }
            }

            if (_tracePath is { } dump)
            {
                File.WriteAllLines(dump, spans.Select(sp => $"{Stopwatch.GetElapsedTime(from, sp.Emitted).TotalMilliseconds:F3},{sp.Ms:F3},{(sp.Overlapped ? 1 : 0)}"));
                File.WriteAllLines(dump + ".pauses", _pauses.All().Select(p => $"{Stopwatch.GetElapsedTime(from, p.Start).TotalMilliseconds:F3},{Stopwatch.GetElapsedTime(p.Start, p.End).TotalMilliseconds:F3}"));
            }

            var (count, longest) = _pauses.Between(from, to);
            return new Tail(untouched.Percentile(99), tail == 0 ? 0 : 100.0 * held / tail, count, longest);
        }

        private async Task DrainAsync(CancellationToken cancellationToken)
        {
            var patience = Stopwatch.StartNew();
            while (Volatile.Read(ref _outstanding) > 0)
            {
                if (patience.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"{_outstanding} engine events were never published as a state change within 2 minutes.");
                }

                await Task.Delay(10, cancellationToken);
            }
        }

        private void Emit(int i)
        {
            var account = _accounts[i];
            var connect = !_connected[i];
            Interlocked.Increment(ref _outstanding);
            Volatile.Write(ref _expected[i], (int)(connect ? AccountStatus.Connected : AccountStatus.Reconnecting));
            _emittedAt[i] = Stopwatch.GetTimestamp();
            _engine.Emit(connect
                ? new SessionConnected(account.Id, Generation, $"{account.Digits}@s.whatsapp.net", "Simulated phone")
                : new SessionDisconnected(account.Id, Generation, "428", "Connection Closed"));
        }

        private void OnCommitted(AccountState state)
        {
            if (_index.TryGetValue(state.Id, out var i) && Volatile.Read(ref _expected[i]) == (int)state.Status)
            {
                _commit?.Add(Stopwatch.GetElapsedTime(_emittedAt[i]).TotalMilliseconds);
            }
        }

        private void OnEvent(FleetEvent fleetEvent)
        {
            if (fleetEvent is not AccountChanged { State: var state } || !_index.TryGetValue(state.Id, out var i)
                || Volatile.Read(ref _expected[i]) != (int)state.Status)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var ms = Stopwatch.GetElapsedTime(_emittedAt[i], now).TotalMilliseconds;
            _notification?.Add(ms);
            if (_recordSpans)
            {
                lock (_spans)
                {
                    _spans.Add((_emittedAt[i], now, ms));
                }
            }

            _connected[i] = state.Status == AccountStatus.Connected;
            Volatile.Write(ref _expected[i], None);
            Interlocked.Increment(ref _notified);
            Interlocked.Decrement(ref _outstanding);
            _done?.Invoke(i);
        }
    }
}
