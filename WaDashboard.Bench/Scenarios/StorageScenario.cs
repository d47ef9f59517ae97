using System.Diagnostics;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Bench.Seeding;
using WaDashboard.Core.Engines.Simulator;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// Inspecting N Baileys session folders: folders per second. Floor: a raw walk of the same tree (every entry and its
/// size, nothing read), measured in the same run, alternating with the product's check so both see the same cache.
/// </summary>
public sealed class StorageScenario : IScenario
{
    private const int Rounds = 3;

    public string Name => "storage";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var n = options.Accounts;
        var folder = context.NewFolder("storage");
        var data = AppProcess.DataDirectoryIn(folder);
        var root = FleetSeed.SessionsRoot(data);
        context.Progress($"writing {n:N0} Baileys auth folders ({options.StoragePreKeys} pre-keys each)");
        var clock = Stopwatch.StartNew();
        var accounts = Enumerable.Range(0, n).Select(i => new SeededAccount(i, Core.Accounts.AccountId.New(), "", FleetSeed.Phone(i))).ToList();
        FleetSeed.WriteFolders(data, accounts, generation: 1, options.StoragePreKeys, cancellationToken);
        var written = clock.Elapsed;
        await Task.Yield();

        var walk = new Samples();
        var check = new Samples();
        var (files, bytes) = RawWalk(root);
        context.Progress($"{files:N0} files, {bytes / 1024.0 / 1024.0:0.#} MB written in {written.TotalSeconds:0.#} s; walking and checking, {Rounds} rounds each");
        var findings = 0;
        for (var round = 0; round < Rounds; round++)
        {
            clock.Restart();
            RawWalk(root);
            walk.Add(n / clock.Elapsed.TotalSeconds);

            clock.Restart();
            findings = SessionFolderCheck.CheckAll(root).Count(r => !r.Valid);
            check.Add(n / clock.Elapsed.TotalSeconds);
        }

        if (findings != 0)
        {
            throw new InvalidOperationException($"{findings} of the generated folders did not check as valid logins; the check is broken.");
        }

        context.Discard(folder);
        return new ScenarioReport(Name, $"inspecting {n:N0} Baileys session folders", n,
            "a raw directory walk of the same tree (every entry and its size; nothing opened), alternating with the check",
            [
                new Metric("folders inspected per second", "/s", check.Median, walk.Median, Target.ShareOfFloor(0.5)),
                new Metric("time for all folders", "s", n / check.Median, n / walk.Median),
            ],
            [
                $"{files:N0} files, {bytes / 1024.0 / 1024.0:0.#} MB: per folder creds.json, {options.StoragePreKeys} pre-keys, a session, an app-state key and version (written by the simulator's writer).",
                "No dedicated session inspector is on main yet; the check measured is what the product's checks do per folder: " +
                "read and parse creds.json (BaileysAuthFolder.Read: present, parseable, registered), then walk the folder for file count, total size and pre-key count.",
                $"Median of {Rounds} alternating rounds on a warm page cache; both read the same tree.",
            ],
            0);
    }

    /// <summary>Every entry of the tree and its size, nothing opened.</summary>
    private static (long Files, long Bytes) RawWalk(string root)
    {
        long files = 0, bytes = 0;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            files++;
            bytes += file.Length;
        }

        return (files, bytes);
    }

    /// <summary>What the product checks of a Baileys session folder.</summary>
    private static class SessionFolderCheck
    {
        public sealed record Result(string Folder, bool Valid, int Files, long Bytes, int PreKeys);

        public static IEnumerable<Result> CheckAll(string root)
        {
            foreach (var account in Directory.EnumerateDirectories(root))
            {
                foreach (var generation in Directory.EnumerateDirectories(account))
                {
                    yield return Check(generation);
                }
            }
        }

        private static Result Check(string folder)
        {
            var (state, _, _) = BaileysAuthFolder.Read(folder);
            int files = 0, preKeys = 0;
            long bytes = 0;
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories))
            {
                files++;
                bytes += file.Length;
                if (file.Name.StartsWith("pre-key-", StringComparison.Ordinal))
                {
                    preKeys++;
                }
            }

            return new Result(folder, state == BaileysAuthFolder.CredsState.Valid, files, bytes, preKeys);
        }
    }
}
