using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace WaDashboard.Bench.Running;

/// <summary>What /api/diagnostics/process answers.</summary>
public sealed record ProcessDiagnostics(
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("connected")] int Connected,
    [property: JsonPropertyName("working_set_mb")] double WorkingSetMb,
    [property: JsonPropertyName("managed_heap_mb")] double ManagedHeapMb,
    [property: JsonPropertyName("threads")] int Threads);

/// <summary>
/// The real WaDashboard executable on a folder of the bench's, listening on a free loopback port, with an admin API key
/// from configuration. Its output is drained (and the tail kept) so a full pipe never slows it down.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(180);
    private const int SigTerm = 15;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;
    private string? _setupLink;

    private AppProcess(Process process, Uri baseUrl, string apiKey)
    {
        _process = process;
        BaseUrl = baseUrl;
        Api = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>An HTTP client that speaks as the bench's admin key.</summary>
    public HttpClient Api { get; }

    /// <summary>From the process start to the first 200 from /healthz.</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public int Pid => _process.Id;

    /// <summary>CPU time the process has used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The app's Storage:DataDirectory under a work folder: database, logs and session folders.</summary>
    public static string DataDirectoryIn(string workFolder) => Path.Combine(workFolder, "data");

    /// <summary>
    /// Starts the app with its data in {workFolder}/data and its HOME in {workFolder}/home; returns once /healthz
    /// answers 200.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string workFolder, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var port = FreeLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var apiKey = "bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var dataDirectory = DataDirectoryIn(workFolder);
        var home = Path.Combine(workFolder, "home");
        Directory.CreateDirectory(dataDirectory);
        Directory.CreateDirectory(home);

        var start = new ProcessStartInfo(RepositoryLayout.WebExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl.GetLeftPart(UriPartial.Authority));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(RepositoryLayout.WebContentRoot());
        // Production, as the README runs it; the app serves the static assets from the build output itself.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["HOME"] = home;
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        start.Environment["Security__ApiKeys__bench__Key"] = apiKey;
        start.Environment["Security__ApiKeys__bench__Role"] = "Admin";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName}.");
        }

        var app = new AppProcess(process, baseUrl, apiKey);
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(cancellationToken);
            app.ReadyAfter = clock.Elapsed;
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async Task<ProcessDiagnostics> DiagnosticsAsync(bool collect, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync(collect ? "api/diagnostics/process?collect=true" : "api/diagnostics/process", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"/api/diagnostics/process answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}\n{OutputTail()}");
        }

        return await response.Content.ReadFromJsonAsync<ProcessDiagnostics>(cancellationToken)
               ?? throw new InvalidOperationException("/api/diagnostics/process answered an empty body.");
    }

    /// <summary>Polls the diagnostics until <paramref name="count"/> accounts are connected; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForConnectedAsync(int count, TimeSpan patience, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = await DiagnosticsAsync(collect: false, cancellationToken);
            if (now.Connected >= count)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"Only {now.Connected} of {count} accounts connected within {patience.TotalSeconds:0} s.\n{OutputTail()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>The one-time first-admin link the app printed on its console (kept however much it printed after).</summary>
    public Uri SetupLink() =>
        Volatile.Read(ref _setupLink) is { } link
            ? new Uri(link)
            : throw new InvalidOperationException($"The app printed no setup link.\n{OutputTail()}");

    public string OutputTail(int lines = 40) =>
        $"--- last lines of the app's output ---\n{string.Join('\n', _output.ToArray().TakeLast(lines))}";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (SetupLinkPattern().Match(line) is { Success: true } setup)
        {
            Volatile.Write(ref _setupLink, setup.Value);
        }

        _output.Enqueue(line);
        while (_output.Count > 300)
        {
            _output.TryDequeue(out _);
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (clock.Elapsed < StartupPatience)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before it was ready.\n{OutputTail()}");
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
                // Listening but slow to answer.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }

        throw new TimeoutException($"/healthz did not answer 200 within {StartupPatience.TotalSeconds:0} s at {BaseUrl}.\n{OutputTail()}");
    }

    /// <summary>SIGTERM, then a kill if it has not stopped within 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, SigTerm);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
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
