using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>
/// The offline cleanup (<c>WaDashboard.Web --cleanup-sessions</c>) run as its own process on a fleet of real folders and
/// killed with SIGKILL at random points: every folder must be whole where it was, or whole in the quarantine.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CleanupCrashTests : IDisposable
{
    private const int Kills = 8;
    private const int IdleAccounts = 10;
    private const int ConnectedAccounts = 3;
    private const int Orphans = 200;
    private static readonly TimeSpan ProcessPatience = TimeSpan.FromSeconds(180);

    private readonly TempDirectory _root = new("wadash-crash");
    private readonly string _data;
    private readonly string _sessions;
    private readonly ConcurrentQueue<string> _output = new();

    /// <summary>Folders the cleanup moves into the quarantine: original path → manifest.</summary>
    private readonly Dictionary<string, SortedDictionary<string, string>> _movable = new(StringComparer.Ordinal);

    /// <summary>Cache folders the cleanup deletes: original path → manifest.</summary>
    private readonly Dictionary<string, SortedDictionary<string, string>> _caches = new(StringComparer.Ordinal);

    /// <summary>Folders the cleanup must leave as they are (sessions in use; the logins of idle sessions): path → manifest.</summary>
    private readonly Dictionary<string, SortedDictionary<string, string>> _protected = new(StringComparer.Ordinal);

    public CleanupCrashTests()
    {
        _data = Path.Combine(_root.Path, "data");
        _sessions = Path.Combine(_data, "sessions");
        Directory.CreateDirectory(Path.Combine(_root.Path, "home"));
    }

    [Fact]
    public async Task A_cleanup_killed_at_random_points_leaves_every_folder_whole_in_place_or_whole_in_the_quarantine()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await BuildFleetAsync();
        var killedMidPass = 0;

        // Three ways to pick the moment: after a random number of finished items, a few milliseconds after the first one
        // (in the middle of whatever comes next), or at a random time from the start (before, during or after the pass).
        int[] modes = [0, 2, 0, 1, 0, 2, 0, 1];
        for (var kill = 0; kill < Kills; kill++)
        {
            var (lines, extra, fromStart) = modes[kill] switch
            {
                0 => (random.Next(1, 13), TimeSpan.Zero, (TimeSpan?)null),
                2 => (1, TimeSpan.FromMilliseconds(random.Next(0, 20)), null),
                _ => (-1, TimeSpan.Zero, TimeSpan.FromMilliseconds(random.Next(0, 2500))),
            };
            var run = await RunCleanupAsync(lines, fromStart, extraDelay: extra);
            if (run.Killed && run.ProgressLines > 0 && !run.Finished)
            {
                killedMidPass++;
            }

            CheckEveryFolder($"seed {seed}, kill {kill + 1} ({(lines < 0 ? $"{fromStart!.Value.TotalMilliseconds} ms from start" : $"{extra.TotalMilliseconds} ms after progress line {lines}")}; saw {run.ProgressLines} lines)");
        }

        // The output is read asynchronously, so a kill lands a little after the line that triggered it; most still land mid-pass.
        Assert.True(killedMidPass >= 3, $"Only {killedMidPass} of {Kills} kills landed in the middle of a pass (seed {seed}).\n{Tail()}");
        Console.WriteLine($"Cleanup crash test (seed {seed}): {killedMidPass} of {Kills} kills landed in the middle of a pass.");

        // Run to the end: everything that can go is gone, whole, and what is in use is untouched.
        var final = await RunCleanupAsync(killAfterProgressLines: -1, killAfter: null);
        Assert.True(final.ExitCode == 0, $"exit code {final.ExitCode}\n{Tail()}");
        CheckEveryFolder($"seed {seed}, after the final run");
        Assert.All(_movable.Keys, path => Assert.False(Directory.Exists(path), path));
        Assert.All(_caches.Keys, path => Assert.False(Directory.Exists(path), path));

        var again = await RunCleanupAsync(killAfterProgressLines: -1, killAfter: null, dryRun: true);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains(_output, line => line.StartsWith("done: Nothing to clean up.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_offline_cleanup_refuses_to_run_while_a_dashboard_holds_the_session_folders_and_a_dry_run_changes_nothing()
    {
        await BuildFleetAsync();
        var before = SessionFixtures.Manifest(_sessions);

        await using (await CoreHarness.StartAsync(_data))
        {
            var locked = await RunCleanupAsync(killAfterProgressLines: -1, killAfter: null);
            Assert.Equal(3, locked.ExitCode);
            Assert.Contains(_output, line => line.Contains("Another WaDashboard process is using the session folders", StringComparison.Ordinal));
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(before.Where(p => !p.Key.StartsWith(".wadashboard.lock", StringComparison.Ordinal)),
            SessionFixtures.Manifest(_sessions).Where(p => !p.Key.StartsWith(".wadashboard.lock", StringComparison.Ordinal)));

        var dry = await RunCleanupAsync(killAfterProgressLines: -1, killAfter: null, dryRun: true);
        Assert.Equal(0, dry.ExitCode);
        Assert.True(_output.Any(line => line.StartsWith($"done: Would clean up {_movable.Count + IdleAccounts} item(s)", StringComparison.Ordinal)), Tail());
        Assert.Contains(_output, line => line.StartsWith("keep Caches", StringComparison.Ordinal) && line.Contains("in use: the account is", StringComparison.Ordinal));
        Assert.Equal(before.Where(p => !p.Key.StartsWith(".wadashboard.lock", StringComparison.Ordinal)),
            SessionFixtures.Manifest(_sessions).Where(p => !p.Key.StartsWith(".wadashboard.lock", StringComparison.Ordinal)));
    }

    private sealed record Run(int? ExitCode, bool Killed, bool Finished, int ProgressLines);

    private async Task<Run> RunCleanupAsync(int killAfterProgressLines, TimeSpan? killAfter, bool dryRun = false, TimeSpan extraDelay = default)
    {
        var repository = RepositoryLayout.Root();
        var start = new ProcessStartInfo(RepositoryLayout.WebExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root.Path,
        };
        start.ArgumentList.Add("--cleanup-sessions");
        if (dryRun)
        {
            start.ArgumentList.Add("--dry-run");
        }

        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(repository, "WaDashboard.Web"));
        start.Environment["HOME"] = Path.Combine(_root.Path, "home");
        start.Environment["Storage__DataDirectory"] = _data;
        start.Environment.Remove("ASPNETCORE_URLS");

        _output.Clear();
        var progress = 0;
        var finished = false;
        var killNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            _output.Enqueue(line);
            if (line.StartsWith("progress ", StringComparison.Ordinal) && Interlocked.Increment(ref progress) == killAfterProgressLines)
            {
                killNow.TrySetResult();
            }

            if (line.StartsWith("done: ", StringComparison.Ordinal))
            {
                finished = true;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _output.Enqueue("stderr: " + line);
            }
        };

        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var killed = false;
        if (killAfterProgressLines > 0 || killAfter is not null)
        {
            var trigger = killAfter is { } delay ? Task.Delay(delay) : killNow.Task.ContinueWith(_ => Task.Delay(extraDelay), TaskScheduler.Default).Unwrap();
            // Bounded: a child that neither progresses nor exits fails the test below instead of hanging the run.
            if (await Task.WhenAny(trigger, exited, Task.Delay(ProcessPatience)) == trigger && !process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no chance to finish anything
                killed = true;
            }
        }

        try
        {
            await exited.WaitAsync(ProcessPatience);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The cleanup process neither finished nor exited within {ProcessPatience}; its output:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}");
        }

        process.WaitForExit();
        return new Run(killed ? null : process.ExitCode, killed, finished, progress);
    }

    /// <summary>Every movable folder is whole in place or whole in the quarantine (never both, never partial); the rest as required.</summary>
    private void CheckEveryFolder(string when)
    {
        var payloads = new List<(string Entry, string Kind, SortedDictionary<string, string> Manifest)>();
        foreach (var entry in FolderWalker.List(Path.Combine(_sessions, SessionFolders.QuarantineFolderName)))
        {
            if (entry.Name.StartsWith(SessionQuarantine.PurgingPrefix, StringComparison.Ordinal))
            {
                continue; // being deleted: caches and temp files only, checked below by their original places
            }

            // The record is written before the move, so a payload always has one; an entry without its payload is a move
            // that never happened (its folder is still in place).
            var payload = Path.Combine(entry.FullName, SessionQuarantine.PayloadName);
            var record = Path.Combine(entry.FullName, SessionQuarantine.RecordFile);
            if (Directory.Exists(payload))
            {
                Assert.True(File.Exists(record), $"{when}: quarantine entry {entry.Name} has a payload but no record.\n{Tail()}");
                var kind = JsonDocument.Parse(File.ReadAllText(record)).RootElement.GetProperty("kind").GetString()!;
                payloads.Add((entry.Name, kind, SessionFixtures.Manifest(payload)));
            }
        }

        foreach (var (path, manifest) in _movable)
        {
            var inPlace = Directory.Exists(path);
            var copies = payloads.Count(p => p.Kind is "orphan" or "generation" && ManifestsEqual(p.Manifest, manifest));
            if (inPlace)
            {
                Assert.True(ManifestsEqual(manifest, SessionFixtures.Manifest(path)), $"{when}: {path} is in place but not whole.\n{Tail()}");
                Assert.True(copies == 0, $"{when}: {path} is both in place and in the quarantine.\n{Tail()}");
            }
            else
            {
                Assert.True(copies == 1, $"{when}: {path} is gone but {copies} whole copies are in the quarantine.\n{Tail()}");
            }
        }

        foreach (var payload in payloads.Where(p => p.Kind is "orphan" or "generation"))
        {
            Assert.True(_movable.Values.Any(m => ManifestsEqual(m, payload.Manifest)), $"{when}: quarantine entry {payload.Entry} is not a whole folder.\n{Tail()}");
        }

        foreach (var (path, manifest) in _caches)
        {
            Assert.True(!Directory.Exists(path) || ManifestsEqual(manifest, SessionFixtures.Manifest(path)), $"{when}: cache {path} was partly deleted in place.\n{Tail()}");
        }

        foreach (var (path, manifest) in _protected)
        {
            var now = SessionFixtures.Manifest(path);
            var login = new SortedDictionary<string, string>(now.Where(p => manifest.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            Assert.True(ManifestsEqual(manifest, login), $"{when}: {path} changed.\n{Tail()}");
        }
    }

    /// <summary>A fleet on disk and in the database: idle accounts with old generations and caches, accounts in use, orphans.</summary>
    private async Task BuildFleetAsync()
    {
        var options = new DbContextOptionsBuilder<WaDashboardDbContext>()
            .UseWaDashboardDatabase(new DatabaseOptions { ConnectionString = DatabaseSetup.DefaultSqliteConnectionString(_data) }).Options;
        Directory.CreateDirectory(_data);
        await using (var db = new WaDashboardDbContext(options))
        {
            await db.Database.MigrateAsync();
            for (var i = 0; i < IdleAccounts + ConnectedAccounts; i++)
            {
                var connected = i >= IdleAccounts;
                var id = AccountId.New();
                var current = connected ? 2 : 3;
                db.Accounts.Add(new AccountRecord
                {
                    Id = id,
                    Name = $"Account {i}",
                    Phone = $"+97250{i:D7}",
                    CreatedAt = DateTimeOffset.UtcNow,
                    StatusSince = DateTimeOffset.UtcNow,
                    Status = (connected ? AccountStatus.Connected : AccountStatus.Stopped).ToString(),
                    Generation = current,
                    SessionLinked = true,
                });

                for (var generation = 1; generation < current; generation++)
                {
                    var old = Path.Combine(_sessions, id, generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    SessionFixtures.Baileys(old, preKeys: 20);
                    Mark(old);
                    _movable[old] = SessionFixtures.Manifest(old);
                }

                var folder = Path.Combine(_sessions, id, current.ToString(System.Globalization.CultureInfo.InvariantCulture));
                SessionFixtures.Baileys(folder, preKeys: 20);
                var login = SessionFixtures.Manifest(folder);
                foreach (var cache in new[] { "Cache", "GPUCache" })
                {
                    var cacheFolder = Path.Combine(folder, cache);
                    for (var f = 0; f < 40; f++)
                    {
                        SessionFixtures.Write(Path.Combine(cacheFolder, $"f_{f:D6}"), SessionFixtures.RandomBytes(2048));
                    }

                    if (!connected)
                    {
                        _caches[cacheFolder] = SessionFixtures.Manifest(cacheFolder);
                    }
                }

                _protected[folder] = connected ? SessionFixtures.Manifest(folder) : login;
            }

            await db.SaveChangesAsync();
        }

        for (var i = 0; i < Orphans; i++)
        {
            var orphan = Path.Combine(_sessions, i % 10 == 0 ? AccountId.New() : $"orphan-{i:D3}");
            for (var f = 0; f < 8; f++)
            {
                SessionFixtures.Write(Path.Combine(orphan, f % 3 == 0 ? "sub" : "", $"file-{f}.json"), SessionFixtures.RandomBytes(512));
            }

            Mark(orphan);
            _movable[orphan] = SessionFixtures.Manifest(orphan);
        }

        SqliteConnection.ClearAllPools();
    }

    private static void Mark(string folder) => SessionFixtures.Write(Path.Combine(folder, "marker.txt"), Guid.NewGuid().ToString());

    private static bool ManifestsEqual(SortedDictionary<string, string> a, SortedDictionary<string, string> b) => a.Count == b.Count && a.SequenceEqual(b);

    private string Tail() => "--- cleanup output ---\n" + string.Join('\n', _output.TakeLast(30));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _root.Dispose();
    }
}
