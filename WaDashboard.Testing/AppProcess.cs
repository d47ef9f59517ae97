using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace WaDashboard.Testing;

/// <summary>
/// The real WaDashboard executable, run as its own process on a work folder (database, logs, sessions, HOME) and a free
/// loopback port, with an admin API key from configuration. Can be stopped gracefully, killed, and started again on the
/// same folder. Its output is drained (so a full pipe never slows it down) and the tail kept, so that a failure can show
/// what the app said.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    /// <summary>In a setting's value, replaced by the app's base address of the current run.</summary>
    public const string AppUrlPlaceholder = "{AppUrl}";

    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(20);
    private const int OutputLinesKept = 400;
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly AppProcessOptions _options;
    private readonly TempDirectory? _ownedFolder;
    private readonly string _workFolder;
    private readonly string _homeDirectory;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private string? _setupLink;
    private int _run;

    private AppProcess(AppProcessOptions options)
    {
        _options = options;
        if (options.WorkFolder is null)
        {
            _ownedFolder = new TempDirectory("wadash-e2e");
        }

        _workFolder = options.WorkFolder ?? _ownedFolder!.Path;
        DataDirectory = DataDirectoryIn(_workFolder);
        _homeDirectory = Path.Combine(_workFolder, "home");
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(_homeDirectory);
        ApiKey = options.ApiKeyName + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    }

    /// <summary>Storage:DataDirectory of the app: wadashboard.db, logs/ and sessions/ live here, across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>Where the current run listens; a new port on every start.</summary>
    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    /// <summary>An admin API key this process accepts (from configuration), random per process.</summary>
    public string ApiKey { get; }

    /// <summary>A client of the REST API of the current run, speaking as <see cref="ApiKey"/>.</summary>
    public DashboardApi Api { get; private set; } = null!;

    /// <summary>From the start of the current run to its first 200 from /healthz.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public int Pid => Running.Id;

    /// <summary>CPU time the current run has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            Running.Refresh();
            return Running.TotalProcessorTime;
        }
    }

    private Process Running => _process ?? throw new InvalidOperationException("The app is not running.");

    /// <summary>The app's Storage:DataDirectory under a work folder.</summary>
    public static string DataDirectoryIn(string workFolder) => Path.Combine(workFolder, "data");

    /// <summary>Starts the app and returns once /healthz answers 200.</summary>
    public static async Task<AppProcess> StartAsync(AppProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        var app = new AppProcess(options ?? new AppProcessOptions());
        try
        {
            await app.StartRunAsync(cancellationToken);
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
        await StartRunAsync(CancellationToken.None);
        return exitCode;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code. Kills it if it does not stop in time.</summary>
    public async Task<int> StopAsync()
    {
        var process = Running;
        if (!process.HasExited)
        {
            if (SendSignal(process.Id, SigTerm) != 0)
            {
                throw new InvalidOperationException($"Could not send SIGTERM to the app (pid {process.Id}).");
            }

            using var patience = new CancellationTokenSource(_options.StopPatience);
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"The app did not stop within {_options.StopPatience.TotalSeconds:0} s of SIGTERM and was killed.\n{OutputTail()}");
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
        var process = Running;
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
        IsRunning ? throw new InvalidOperationException("The app is still running.") : StartRunAsync(CancellationToken.None);

    /// <summary>The latest one-time first-admin link the app printed on its console (in any run, however much it printed after), if any.</summary>
    public Uri? SetupLink() => Volatile.Read(ref _setupLink) is { } link ? new Uri(link) : null;

    /// <summary>The last lines the app wrote to stdout and stderr, over all its runs.</summary>
    public string OutputTail(int lines = 80)
    {
        var all = _output.ToArray();
        return $"--- last {Math.Min(lines, all.Length)} lines of app output ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    private async Task StartRunAsync(CancellationToken cancellationToken)
    {
        _run++;
        var port = FreeLoopbackPort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        var start = new ProcessStartInfo(RepositoryLayout.WebExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _workFolder,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseUrl.GetLeftPart(UriPartial.Authority));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(RepositoryLayout.WebContentRoot());

        // Production, as the README's command runs it: the static assets (component libraries, blazor.web.js) come from
        // the build output through UseStaticWebAssets, and no developer page is shown.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["HOME"] = _homeDirectory;
        start.Environment["Storage__DataDirectory"] = DataDirectory;
        // The REST client speaks as an admin key provisioned from configuration, as automation does.
        start.Environment[$"Security__ApiKeys__{_options.ApiKeyName}__Key"] = ApiKey;
        start.Environment[$"Security__ApiKeys__{_options.ApiKeyName}__Role"] = "Admin";
        foreach (var (name, value) in _options.Settings ?? new Dictionary<string, string>())
        {
            // "{AppUrl}" stands for this run's address (the port is chosen per run), e.g. for a webhook URL.
            start.Environment[name] = value.Replace(AppUrlPlaceholder, BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var run = _run;
        process.OutputDataReceived += (_, e) => Keep(run, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(run, e.Data);
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Api?.Dispose();
        Api = new DashboardApi(BaseUrl, OutputTail, ApiKey, _options.ApiTimeout);
        await WaitUntilHealthyAsync(process, cancellationToken);
        ReadyAfter = clock.Elapsed;
    }

    private async Task WaitUntilHealthyAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < _options.StartupPatience)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} before it was ready.\n{OutputTail()}");
            }

            try
            {
                using var response = await probe.GetAsync("healthz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Listening but slow to answer; ask again.
            }

            await Task.Delay(HealthPollInterval, cancellationToken);
        }

        throw new TimeoutException($"/healthz did not answer 200 within {_options.StartupPatience.TotalSeconds:0} s at {BaseUrl}.\n{OutputTail()}");
    }

    private void Keep(int run, string? line)
    {
        if (line is null)
        {
            return;
        }

        if (SetupLinkPattern().Match(line) is { Success: true } setup)
        {
            Volatile.Write(ref _setupLink, setup.Value);
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

    /// <summary>Stops the app gracefully if it still runs, killing it when that fails, then removes a temp work folder.</summary>
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
            // Falls through to the kill below; a caller that cared about a graceful stop asserted it itself.
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
            _ownedFolder?.Dispose();
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

    [GeneratedRegex(@"http://\S+/account/setup\?token=[0-9a-f]+")]
    private static partial Regex SetupLinkPattern();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
