using System.Diagnostics;
using System.Runtime.InteropServices;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Scenarios;

namespace WaDashboard.Bench.Running;

/// <summary>Parses the command line, runs the chosen scenarios in order, prints each table and writes the JSON.</summary>
public static class BenchCommand
{
    public const int Completed = 0;
    public const int ScenarioFailed = 1;
    public const int BadArguments = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (BenchUsageException ex)
        {
            await output.WriteLineAsync($"{ex.Message}\n\n{BenchOptions.Usage}");
            return BadArguments;
        }

        if (options.Help)
        {
            await output.WriteLineAsync(BenchOptions.Usage);
            return Completed;
        }

        var startedAt = DateTimeOffset.UtcNow;
        var machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            RepositoryLayout.Configuration, RepositoryLayout.Commit());
        await output.WriteLineAsync($"WaDashboard bench: {string.Join(", ", options.Scenarios)}; {options.Accounts:N0} accounts " +
                                    $"(ui: {options.EffectiveUiAccounts:N0}, {options.Tabs} tabs); {machine.Cores} cores; {machine.Runtime}; {machine.Configuration} build; commit {machine.Commit}");
        if (machine.Configuration != "Release")
        {
            await output.WriteLineAsync("warning: a Debug build; numbers are not representative. Run: dotnet run -c Release --project WaDashboard.Bench -- ...");
        }

        var workRoot = options.WorkDirectory is { } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(Path.GetTempPath(), $"wadash-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workRoot);
        var context = new BenchContext(options, workRoot, output);
        var reports = new List<ScenarioReport>();
        var failures = new List<string>();
        try
        {
            foreach (var scenario in Create(options.Scenarios))
            {
                await output.WriteLineAsync($"\n-- {scenario.Name} --");
                var clock = Stopwatch.StartNew();
                var loadBefore = LoadAverage();
                try
                {
                    var report = await scenario.RunAsync(context, cancellationToken);
                    report = report with
                    {
                        Seconds = clock.Elapsed.TotalSeconds,
                        Notes = [.. report.Notes, $"Machine load (1-minute load average, {machine.Cores} cores): {loadBefore} when the scenario started, {LoadAverage()} when it ended."],
                    };
                    reports.Add(report);
                    await output.WriteLineAsync(ResultTable.Render(report));
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures.Add($"{scenario.Name}: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
                    await output.WriteLineAsync($"== {scenario.Name}: FAILED TO RUN after {clock.Elapsed.TotalSeconds:0.0} s ==\n{ex}");
                }
            }
        }
        finally
        {
            if (!options.Keep)
            {
                context.Discard(workRoot);
            }
        }

        var command = "dotnet run -c Release --project WaDashboard.Bench --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
        var full = new BenchReport(command, startedAt, machine, reports, failures);
        await ResultTable.WriteJsonAsync(full, options.JsonPath);
        await output.WriteLineAsync(Summary(full));
        await output.WriteLineAsync($"JSON written to {Path.GetFullPath(options.JsonPath)}");
        return failures.Count == 0 ? Completed : ScenarioFailed;
    }

    /// <summary>The 1-minute load average, to tell a quiet machine from a busy one when reading the numbers.</summary>
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static IEnumerable<IScenario> Create(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            yield return name switch
            {
                "fleet" => new FleetScenario(),
                "pipeline" => new PipelineScenario(),
                "storm" => new StormScenario(),
                "ui" => new UiScenario(),
                "storage" => new StorageScenario(),
                _ => throw new BenchUsageException($"Unknown scenario '{name}'."),
            };
        }
    }

    private static string Summary(BenchReport report)
    {
        var targets = report.Scenarios.SelectMany(s => s.Metrics.Where(m => m.Pass is not null).Select(m => (s.Scenario, Metric: m))).ToList();
        var lines = new List<string> { "", $"== targets: {targets.Count(t => t.Metric.Pass == true)} of {targets.Count} met ==" };
        lines.AddRange(targets.Select(t => $"   {(t.Metric.Pass == true ? "PASS" : "FAIL")}  {t.Scenario}: {t.Metric.Name} = {ResultTable.WithUnit(t.Metric.Product, t.Metric.Unit)} (target {t.Metric.Target})"));
        lines.AddRange(report.Failures.Select(f => $"   ERROR {f}"));
        return string.Join('\n', lines);
    }
}
