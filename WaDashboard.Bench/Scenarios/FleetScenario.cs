using System.Globalization;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Bench.Seeding;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// N simulated accounts connected in the real app process: start-up time, managed heap and working set per account,
/// CPU while idle with the connection monitor running. Floor: the same app with no accounts, started and measured in
/// the same run, so fixed costs cancel out; and, for the heap, the account records alone.
/// </summary>
public sealed class FleetScenario : IScenario
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public string Name => "fleet";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var n = options.Accounts;
        var settings = new Dictionary<string, string>
        {
            // A simulated connect answers in 50 ms: the bench measures the console, not a simulated network.
            ["Simulator__StartDelay"] = "00:00:00.050",
        };
        if (options.ConnectRatePercent is { } rate)
        {
            settings["Reconnect__ConnectRatePercent"] = rate.ToString(CultureInfo.InvariantCulture);
        }

        context.Progress("floor: the app with no accounts");
        var emptyFolder = context.NewFolder("fleet-empty");
        Measured floor;
        await using (var app = await BenchRun.StartAppAsync(emptyFolder, settings, cancellationToken))
        {
            floor = await MeasureIdleAsync(app, context, TimeSpan.Zero, cancellationToken);
        }

        context.Discard(emptyFolder);

        var folder = context.NewFolder("fleet");
        context.Progress($"seeding {n:N0} linked accounts (database rows and Baileys auth folders)");
        await FleetSeed.SeedAsync(AppProcess.DataDirectoryIn(folder), n, new SeedShape(), cancellationToken);

        context.Progress($"product: the app restoring {n:N0} accounts");
        Measured product;
        await using (var app = await BenchRun.StartAppAsync(folder, settings, cancellationToken))
        {
            var connectedAfter = await app.Api.WaitForConnectedAsync(n, TimeSpan.FromMinutes(20), cancellationToken);
            context.Progress($"all {n:N0} connected {connectedAfter.TotalSeconds:0.0} s after the app was ready");
            product = await MeasureIdleAsync(app, context, connectedAfter, cancellationToken);
        }

        context.Discard(folder);

        var recordBytes = MeasureRecords(n);
        const double kb = 1024;
        var heapPerAccount = (product.Diagnostics.ManagedHeapMb - floor.Diagnostics.ManagedHeapMb) * kb / n;
        var workingSetPerAccount = (product.Diagnostics.WorkingSetMb - floor.Diagnostics.WorkingSetMb) * kb / n;
        var pace = Math.Max(5, n * (options.ConnectRatePercent ?? 2) / 100.0);

        return new ScenarioReport(Name, $"{n:N0} simulated accounts connected in the real app process", n,
            "the same app with no accounts, started and measured in the same run; for the heap per account, the account records alone",
            [
                new Metric("ready (health check answers)", "s", product.Ready.TotalSeconds, floor.Ready.TotalSeconds),
                new Metric($"all {n:N0} connected, from process start", "s", (product.Ready + product.ConnectedAfter).TotalSeconds),
                new Metric("managed heap per idle account", "KB", heapPerAccount, recordBytes / kb, Target.AtMost(50, "KB")),
                new Metric("working set per idle account", "KB", workingSetPerAccount),
                new Metric("managed heap, whole process", "MB", product.Diagnostics.ManagedHeapMb, floor.Diagnostics.ManagedHeapMb),
                new Metric("working set, whole process", "MB", product.Diagnostics.WorkingSetMb, floor.Diagnostics.WorkingSetMb),
                new Metric("CPU while idle (one core = 100%)", "%", product.IdleCpuPercent, floor.IdleCpuPercent),
                new Metric("threads", "", product.Diagnostics.Threads, floor.Diagnostics.Threads),
            ],
            [
                "Per account = (app with N accounts - app with none) / N, after a full garbage collection; the product's own fixed costs cancel out.",
                $"Start-up is paced by design: at most max(5, {options.ConnectRatePercent ?? 2}% of the fleet) = {pace:0} connect attempts start per second " +
                $"and at most 20 are in flight, so {n:N0} accounts need at least {n / pace:0.#} s.",
                "The simulator answers a connect in 50 ms here (Simulator:StartDelay) so the time measured is the console's, not a simulated network's.",
                $"Idle CPU is measured over {options.IdleSeconds:0} s with every background service running (connection monitor every 30 s, deadline loop every 250 ms).",
            ],
            0);
    }

    private sealed record Measured(TimeSpan Ready, TimeSpan ConnectedAfter, ProcessDiagnostics Diagnostics, double IdleCpuPercent);

    private static async Task<Measured> MeasureIdleAsync(AppProcess app, BenchContext context, TimeSpan connectedAfter, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var diagnostics = await app.Api.GetProcessDiagnosticsAsync(collect: true, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var idle = TimeSpan.FromSeconds(context.Options.IdleSeconds);
        context.Progress($"heap {diagnostics.ManagedHeapMb} MB, working set {diagnostics.WorkingSetMb} MB; watching idle CPU for {idle.TotalSeconds:0} s");
        var cpuBefore = app.CpuTime;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(idle, cancellationToken);
        var cpu = (app.CpuTime - cpuBefore) / clock.Elapsed * 100;
        return new Measured(app.ReadyAfter, connectedAfter, diagnostics, cpu);
    }

    /// <summary>Managed bytes per account of the account records alone, as the product holds them after a restore.</summary>
    private static double MeasureRecords(int n)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var states = new List<AccountState>(n);
        for (var i = 0; i < n; i++)
        {
            var phone = PhoneNumber.Parse(FleetSeed.Phone(i));
            var at = FleetSeed.Epoch.AddMilliseconds(i);
            states.Add(new AccountState
            {
                Id = AccountId.New(),
                Name = $"Account {i + 1:00000}",
                Phone = phone,
                CreatedAt = at,
                StatusSince = at,
                Status = AccountStatus.Connected,
                Generation = 1,
                SessionLinked = true,
                LinkedJid = $"{phone.Digits}@s.whatsapp.net",
                PushName = "Simulated phone",
                Note = "Connected.",
            });
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(states);
        return (double)(after - before) / n;
    }
}
