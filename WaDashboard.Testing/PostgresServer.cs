using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace WaDashboard.Testing;

/// <summary>
/// A throw-away PostgreSQL server from Debian's package (<c>apt-get install -y postgresql</c>; .ci/run installs it):
/// <c>initdb</c> into a temp folder, <c>pg_ctl start</c> on 127.0.0.1 and a free port, one fresh database per test, and
/// <c>pg_ctl stop</c> plus the folder removed when the test process ends. Started once, on first use, for every
/// test that runs against PostgreSQL. As root (as here and in CI) the server runs as the <c>postgres</c> user.
/// The tests' shared server skips fsync (nothing they check needs a durable disk); the benchmark starts its own
/// durable one (<see cref="StartAsync(bool)"/> with <c>durable: true</c>: PostgreSQL's defaults, fsync on).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(durable: false), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _folder;
    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private int _stopped;

    private PostgresServer(string folder, string bin, bool asPostgresUser, int port)
    {
        _folder = folder;
        _bin = bin;
        _asPostgresUser = asPostgresUser;
        Port = port;
    }

    public int Port { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=15";

    /// <summary>The shared server, started by the first caller.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A new, empty database on the shared server; its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync() => await (await GetAsync()).NewDatabaseAsync();

    /// <summary>A new, empty database on this server; its connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var server = this;
        var name = "wadash_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return $"Host=127.0.0.1;Port={server.Port};Username=postgres;Database={name};Timeout=15";
    }

    /// <summary>Removes a database made by <see cref="CreateDatabaseAsync"/> (closing what is still connected to it).</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        var server = await GetAsync();
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Starts a server of its own; <paramref name="durable"/> keeps PostgreSQL's fsync, as a real installation does.</summary>
    public static async Task<PostgresServer> StartAsync(bool durable)
    {
        var bin = FindBinaries();
        var asPostgresUser = Environment.UserName == "root";
        RemoveStoppedServers();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", folder], asUser: null);
        }

        var port = FreePort();
        var server = new PostgresServer(folder, bin, asPostgresUser, port);
        var data = Path.Combine(folder, "data");
        await server.RunToolAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
        await server.RunToolAsync("pg_ctl", ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {folder} -h 127.0.0.1{(durable ? "" : " -c fsync=off")} -c max_connections=300", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private const string FolderPrefix = "wadash-pg-";

    /// <summary>
    /// The test host may end the process before the folder of a stopped server is deleted: earlier runs' folders whose
    /// server is no longer running (no postmaster.pid) are removed here.
    /// </summary>
    private static void RemoveStoppedServers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (!File.Exists(Path.Combine(folder, "data", "postmaster.pid")))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    /// <summary>Stops the server and removes its folder.</summary>
    public void Dispose() => Stop();

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"], _asPostgresUser ? "postgres" : null)
                .GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // the process is ending; nothing more to do
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception)
        {
        }
    }

    private Task RunToolAsync(string tool, string[] arguments) => RunAsync(Path.Combine(_bin, tool), arguments, _asPostgresUser ? "postgres" : null);

    private static async Task RunAsync(string file, string[] arguments, string? asUser)
    {
        var start = asUser is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser", ["-u", asUser, "--", file, .. arguments]);
        if (asUser is null)
        {
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb); install Debian's package: apt-get install -y postgresql.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
