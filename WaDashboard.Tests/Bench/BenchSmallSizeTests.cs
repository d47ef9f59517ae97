using System.Diagnostics;
using System.Text;
using System.Text.Json;
using WaDashboard.Tests.EndToEnd;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Bench;

/// <summary>
/// The benchmark program, run as its own process at a small size so it cannot rot: every scenario runs to the end, prints
/// its table and writes JSON with a number for every metric. The targets need the full size (docs/benchmarks.md), so
/// only the presence and sanity of the numbers is asserted here, not PASS.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BenchSmallSizeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);
    private readonly TempDirectory _dir = new("wadash-bench-test");

    [Fact]
    public async Task Fleet_pipeline_storm_and_storage_run_at_200_accounts_and_report_every_number()
    {
        var (output, report) = await RunAsync(
            "--scenario", "fleet,pipeline,storm,storage", "--accounts", "200", "--idle-seconds", "2", "--pipeline-seconds", "1",
            "--connect-rate-percent", "100", "--storage-prekeys", "5");

        AssertScenarios(report, output, "fleet", "pipeline", "storm", "storage");
        Assert.True(Metric(report, "fleet", "managed heap per idle account").Product > 0, output);
        Assert.True(Metric(report, "pipeline", "events/s, saturated").Product > 0, output);
        Assert.True(Metric(report, "pipeline", "events/s, saturated").Floor > 0, output);
        Assert.True(Metric(report, "storm", "all connected again after the drop").Product > 0, output);
        Assert.Equal(200, Metric(report, "storm", "peak concurrent connect attempts").Floor);
        Assert.True(Metric(report, "storage", "folders inspected per second").Ratio > 0, output);
    }

    [Fact]
    public async Task Pipeline_runs_on_a_durable_postgresql_server_of_its_own_and_reports_the_product_beside_its_floor()
    {
        var (output, report) = await RunAsync("--scenario", "pipeline", "--accounts", "200", "--pipeline-seconds", "1", "--pipeline-database", "postgres");

        AssertScenarios(report, output, "pipeline");
        Assert.Contains("-> PostgreSQL -> UI notification", output);
        Assert.True(Metric(report, "pipeline", "events/s, saturated").Product > 0, output);
        Assert.True(Metric(report, "pipeline", "events/s, saturated").Floor > 0, output);
        Assert.True(Metric(report, "pipeline", "p99 to notification").Floor > 0, output);
    }

    [Fact]
    public async Task Ui_runs_with_two_tabs_and_times_every_change_it_injects()
    {
        var (output, report) = await RunAsync(
            "--scenario", "ui", "--accounts", "60", "--tabs", "2", "--ui-seconds", "3", "--changes-per-second", "10");

        AssertScenarios(report, output, "ui");
        Assert.True(Metric(report, "ui", "status change -> DOM, p50").Product > 0, output);
        Assert.True(Metric(report, "ui", "status change -> DOM, p95").Floor > 0, output);
        Assert.InRange(Metric(report, "ui", "rows in the DOM per tab").Product, 1, 50);
        Assert.InRange(Metric(report, "ui", "rows in the DOM with 60 accounts").Product, 1, 50);
    }

    private sealed record ReportedMetric(string Name, double Product, double? Floor, double? Ratio, string? Target, bool? Pass);

    private async Task<(string Output, Dictionary<string, List<ReportedMetric>> Report)> RunAsync(params string[] arguments)
    {
        var json = Path.Combine(_dir.Path, "results.json");
        var start = new ProcessStartInfo(BenchExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Path,
        };
        foreach (var argument in arguments.Concat(["--json", json, "--work-dir", Path.Combine(_dir.Path, "work")]))
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (var patience = new CancellationTokenSource(Patience))
        {
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Assert.Fail($"The bench did not finish within {Patience.TotalMinutes:0} minutes.\n{Text()}");
            }
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"The bench exited with {process.ExitCode}.\n{Text()}");
        Assert.True(File.Exists(json), $"No JSON at {json}.\n{Text()}");
        return (Text(), Parse(json));

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    private static Dictionary<string, List<ReportedMetric>> Parse(string json)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var root = document.RootElement;
        Assert.Equal(0, root.GetProperty("failures").GetArrayLength());
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
        Assert.StartsWith("dotnet run -c Release --project WaDashboard.Bench --", root.GetProperty("command").GetString());
        var scenarios = new Dictionary<string, List<ReportedMetric>>();
        foreach (var scenario in root.GetProperty("scenarios").EnumerateArray())
        {
            scenarios[scenario.GetProperty("scenario").GetString()!] = scenario.GetProperty("metrics").EnumerateArray()
                .Select(m => new ReportedMetric(
                    m.GetProperty("name").GetString()!,
                    Number(m.GetProperty("product")),
                    m.TryGetProperty("floor", out var floor) ? Number(floor) : null,
                    m.TryGetProperty("ratio", out var ratio) ? Number(ratio) : null,
                    m.TryGetProperty("target", out var target) ? target.GetString() : null,
                    m.TryGetProperty("pass", out var pass) ? pass.GetBoolean() : null))
                .ToList();
        }

        return scenarios;
    }

    private static double Number(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number ? element.GetDouble() : double.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every scenario asked for is there, every metric is a finite number, every target has a verdict in the table.</summary>
    private static void AssertScenarios(Dictionary<string, List<ReportedMetric>> report, string output, params string[] names)
    {
        Assert.Equal(names.Order(), report.Keys.Order());
        foreach (var (scenario, metrics) in report)
        {
            Assert.NotEmpty(metrics);
            foreach (var metric in metrics)
            {
                Assert.True(double.IsFinite(metric.Product) && metric.Product >= 0, $"{scenario}: {metric.Name} = {metric.Product}\n{output}");
                Assert.True(metric.Floor is null || double.IsFinite(metric.Floor.Value), $"{scenario}: floor of {metric.Name} = {metric.Floor}\n{output}");
                Assert.Equal(metric.Target is not null, metric.Pass is not null);
            }

            Assert.Contains(metrics, m => m.Floor is not null);
            Assert.Contains($"== {scenario}: ", output);
        }

        Assert.Contains("== targets: ", output);
    }

    private static ReportedMetric Metric(Dictionary<string, List<ReportedMetric>> report, string scenario, string name) =>
        report[scenario].SingleOrDefault(m => m.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{scenario} reported no '{name}'; it reported: {string.Join(", ", report[scenario].Select(m => m.Name))}");

    /// <summary>The bench's executable, built with the tests (the test project builds the bench project).</summary>
    private static string BenchExecutable()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var output = Path.Combine(RepositoryLayout.Root(), "WaDashboard.Bench", "bin", configuration, "net10.0");
        return (File.Exists(Path.Combine(output, "WaDashboard.Bench")) ? Path.Combine(output, "WaDashboard.Bench") : null)
               ?? throw new InvalidOperationException($"The bench is not built under {output}; build the test project.");
    }

    public void Dispose() => _dir.Dispose();
}
