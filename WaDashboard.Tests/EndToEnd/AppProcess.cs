using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The real WaDashboard executable, run as its own process on a temp folder (database, logs, sessions, HOME) and a free
/// loopback port. Can be stopped gracefully and started again on the same folder. Its console output is kept so that a
/// failing test can show what the app said.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(100);
    private const int OutputLinesKept = 400;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly TempDirectory _root;
    private readonly string _homeDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;
    private int _run;

    private AppProcess(TempDirectory root, IReadOnlyDictionary<string, string>? settings)
    {
        _root = root;
        _settings = settings ?? new Dictionary<string, string>();
        DataDirectory = Path.Combine(root.Path, "data");
        _homeDirectory = Path.Combine(root.Path, "home");
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(_homeDirectory);
    }

    /// <summary>Storage:DataDirectory of the app: wadashboard.db, logs/ and sessions/ live here, across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>Where the current run listens; a new port on every start.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>An HTTP client for the REST API of the current run.</summary>
    public DashboardApi Api { get; private set; } = null!;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts the app on a fresh temp folder and returns once /healthz answers 200. <paramref name="settings"/> are passed
    /// as environment variables on every run (e.g. <c>Messaging__MinSpacing=00:00:00</c>).
    /// </summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = new AppProcess(new TempDirectory("wadash-e2e"), settings);
        try
        {
            await app.StartRunAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the app gracefully (SIGTERM), then starts it again on the same data folder.</summary>
    public async Task<int> RestartAsync()
    {
        var exitCode = await StopAsync();
        await StartRunAsync();
        return exitCode;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code. Kills it if it does not stop in time.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException("The app is not running.");
        if (!process.HasExited)
        {
            if (SendSignal(process.Id, SigTerm) != 0)
            {
                throw new InvalidOperationException($"Could not send SIGTERM to the app (pid {process.Id}).");
            }

            using var patience = new CancellationTokenSource(StopPatience);
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"The app did not stop within {StopPatience.TotalSeconds:0} s of SIGTERM and was killed.\n{OutputTail()}");
            }
        }

        // Let the asynchronous output readers drain the last lines.
        process.WaitForExit();
        var exitCode = process.ExitCode;
        ReleaseProcess();
        return exitCode;
    }

    /// <summary>Kills the app with SIGKILL (kill -9): no shutdown code runs, as when a machine or an operator kills it.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("The app is not running.");
        if (!process.HasExited && SendSignal(process.Id, SigKill) != 0)
        {
            throw new InvalidOperationException($"Could not send SIGKILL to the app (pid {process.Id}).");
        }

        await process.WaitForExitAsync();
        process.WaitForExit();
        ReleaseProcess();
    }

    /// <summary>Starts the app again on the same data folder after it stopped or was killed.</summary>
    public Task StartAgainAsync() =>
        IsRunning ? throw new InvalidOperationException("The app is still running.") : StartRunAsync();

    /// <summary>The last lines the app wrote to stdout and stderr, over all its runs.</summary>
    /// <summary>An admin API key this process accepts (from configuration), random per test.</summary>
    /// <summary>In a setting's value, replaced by the app's base address of the current run.</summary>
    public const string AppUrlPlaceholder = "{AppUrl}";

    public string ApiKey { get; } = "e2e-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>The latest one-time first-admin link the app printed on its console (in any run), if any.</summary>
    public Uri? SetupLink()
    {
        var match = System.Text.RegularExpressions.Regex.Matches(OutputTail(400), @"http://\S+/account/setup\?token=[0-9a-f]+").LastOrDefault();
        return match is null ? null : new Uri(match.Value);
    }

    public string OutputTail(int lines = 80)
    {
        var all = _output.ToArray();
        return $"--- last {Math.Min(lines, all.Length)} lines of app output ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    private async Task StartRunAsync()
    {
        _run++;
        var port = FreeLoopbackPort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var repository = RepositoryRoot();

        var start = new ProcessStartInfo(AppExecutable(repository))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root.Path,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl.GetLeftPart(UriPartial.Authority));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(repository, "WaDashboard.Web"));

        // Production, as the README's command runs it: the static assets (component libraries, blazor.web.js) come from
        // the build output through UseStaticWebAssets, and no developer page is shown.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["HOME"] = _homeDirectory;
        start.Environment["Storage__DataDirectory"] = DataDirectory;
        // The test's own REST client speaks as an admin key provisioned from configuration, as automation does.
        start.Environment["Security__ApiKeys__e2e__Key"] = ApiKey;
        start.Environment["Security__ApiKeys__e2e__Role"] = "Admin";
        foreach (var (name, value) in _settings)
        {
            // "{AppUrl}" stands for this run's address (the port is chosen per run), e.g. for a webhook URL.
            start.Environment[name] = value.Replace(AppUrlPlaceholder, BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var run = _run;
        process.OutputDataReceived += (_, e) => Keep(run, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(run, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Api?.Dispose();
        Api = new DashboardApi(BaseUrl, OutputTail, ApiKey);
        await WaitUntilHealthyAsync(process);
    }

    private async Task WaitUntilHealthyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < StartupPatience)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was ready.\n{OutputTail()}");
            }

            try
            {
                using var response = await probe.GetAsync("healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer; ask again.
            }

            await Task.Delay(HealthPollInterval);
        }

        throw new TimeoutException($"/healthz did not answer 200 within {StartupPatience.TotalSeconds:0} s at {BaseUrl}.\n{OutputTail()}");
    }

    private void Keep(int run, string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(run == 1 ? line : $"[run {run}] {line}");
        while (_output.Count > OutputLinesKept)
        {
            _output.TryDequeue(out _);
        }
    }

    private void ReleaseProcess()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Stops the app gracefully if it still runs, killing it when that fails, then removes the temp folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsRunning)
            {
                await StopAsync();
            }
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Falls through to the kill below; the test that cared about a graceful stop asserted it itself.
        }
        finally
        {
            if (_process is { } left)
            {
                if (!left.HasExited)
                {
                    left.Kill(entireProcessTree: true);
                    await left.WaitForExitAsync();
                }

                ReleaseProcess();
            }

            Api?.Dispose();
            _root.Dispose();
        }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>The folder holding WaDashboard.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "WaDashboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No WaDashboard.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The built WaDashboard.Web executable (the test project builds it).</summary>
    internal static string AppExecutable(string repository)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var output = Path.Combine(repository, "WaDashboard.Web", "bin", configuration, "net10.0");
        var executable = File.Exists(Path.Combine(output, "WaDashboard.Web")) ? Path.Combine(output, "WaDashboard.Web") : null;
        return executable ?? throw new InvalidOperationException(
            $"The WaDashboard.Web executable is not under {output}. Build the test project (it builds the app too).");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
