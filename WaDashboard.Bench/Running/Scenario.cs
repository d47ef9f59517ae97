using System.Diagnostics;
using System.Globalization;
using WaDashboard.Bench.Reporting;

namespace WaDashboard.Bench.Running;

/// <summary>What every scenario gets: the options, a work folder of its own and a progress log.</summary>
public sealed class BenchContext(BenchOptions options, string workRoot, TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public BenchOptions Options { get; } = options;

    public string WorkRoot { get; } = workRoot;

    /// <summary>A new empty folder under the work root.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(WorkRoot, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a folder the scenario no longer needs (unless --keep).</summary>
    public void Discard(string path)
    {
        if (Options.Keep || !Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Progress(string message)
    {
        lock (output)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}"));
            output.Flush();
        }
    }
}

/// <summary>One benchmark scenario: measures the product and a floor in the same run.</summary>
public interface IScenario
{
    string Name { get; }

    Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken);
}
