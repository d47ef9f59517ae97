using System.Diagnostics;
using Microsoft.Extensions.Options;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Core.Storage;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// The product's session inspector (<see cref="SessionInspector"/>: format, limits, caches, locks, temp files, and the
/// login's own proofs) over a fleet of real session folders of the three formats, copied from the folders the engines'
/// libraries made (WaDashboard.Tests/Fixtures/RealFolders): Baileys (creds.json signatures checked), whatsmeow SQLite
/// (quick_check, key rows counted, device row signatures checked) and whatsapp-web.js Chromium profiles (LocalAuth
/// layout). Floor per format: a raw walk of the same folders (every entry and its size, nothing opened), alternating
/// with the inspections so both see the same cache.
/// </summary>
public sealed class StorageScenario : IScenario
{
    private const int Rounds = 3;

    /// <summary>A Chromium profile is about 1.3 MB even with its caches stripped; this many copies keep the run's disk use bounded.</summary>
    private const int MaxChromiumFolders = 1_000;

    private static readonly (SessionFormat Format, string Fixture, string Label)[] Formats =
    [
        (SessionFormat.Baileys, RealFolders.BaileysLinked, "Baileys"),
        (SessionFormat.WhatsmeowSqlite, RealFolders.WhatsmeowLinked, "whatsmeow"),
        (SessionFormat.ChromiumProfile, RealFolders.WwebjsReached, "Chromium"),
    ];

    public string Name => "storage";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var folder = context.NewFolder("storage");
        var inspector = new SessionInspector(Options.Create(new SessionStorageOptions()));
        var counts = Formats.Select((f, i) => f.Format == SessionFormat.ChromiumProfile
            ? Math.Min(MaxChromiumFolders, Share(options.Accounts, i))
            : Share(options.Accounts, i)).ToArray();
        var n = counts.Sum();
        context.Progress($"copying {n:N0} real session folders ({string.Join(", ", Formats.Select((f, i) => $"{counts[i]:N0} {f.Label}"))})");
        var clock = Stopwatch.StartNew();
        var roots = new string[Formats.Length];
        for (var i = 0; i < Formats.Length; i++)
        {
            roots[i] = Path.Combine(folder, Formats[i].Label);
            for (var k = 0; k < counts[i]; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var target = Path.Combine(roots[i], k.ToString("D6"), "1");
                RealFolders.CopyTo(Formats[i].Fixture, target);
                if (Formats[i].Format == SessionFormat.Baileys)
                {
                    AddPreKeys(target, options.StoragePreKeys);
                }
            }
        }

        var written = clock.Elapsed;
        await Task.Yield();
        var (files, bytes) = RawWalk(folder);
        context.Progress($"{files:N0} files, {bytes / 1024.0 / 1024.0:0.#} MB copied in {written.TotalSeconds:0.#} s; walking and inspecting, {Rounds} rounds each");

        var walk = Formats.Select(_ => new Samples()).ToArray();
        var inspect = Formats.Select(_ => new Samples()).ToArray();
        var allWalk = new Samples();
        var allInspect = new Samples();
        for (var round = 0; round < Rounds; round++)
        {
            double walkSeconds = 0, inspectSeconds = 0;
            for (var i = 0; i < Formats.Length; i++)
            {
                clock.Restart();
                RawWalk(roots[i]);
                var w = clock.Elapsed.TotalSeconds;
                walk[i].Add(counts[i] / w);
                walkSeconds += w;

                clock.Restart();
                InspectAll(inspector, roots[i], Formats[i].Format);
                var s = clock.Elapsed.TotalSeconds;
                inspect[i].Add(counts[i] / s);
                inspectSeconds += s;
            }

            allWalk.Add(n / walkSeconds);
            allInspect.Add(n / inspectSeconds);
        }

        context.Discard(folder);
        var metrics = new List<Metric>
        {
            new("folders inspected per second", "/s", allInspect.Median, allWalk.Median, Target.ShareOfFloor(0.05)),
            new("time for all folders", "s", n / allInspect.Median, n / allWalk.Median),
        };
        for (var i = 0; i < Formats.Length; i++)
        {
            metrics.Add(new Metric($"{Formats[i].Label} folders inspected per second", "/s", inspect[i].Median, walk[i].Median));
        }

        return new ScenarioReport(Name, $"inspecting {n:N0} real session folders (Baileys, whatsmeow, Chromium)", n,
            "a raw directory walk of the same folders (every entry and its size; nothing opened), alternating with the inspections",
            metrics,
            [
                $"{files:N0} files, {bytes / 1024.0 / 1024.0:0.#} MB: copies of the folders in WaDashboard.Tests/Fixtures/RealFolders made by Baileys 7 (useMultiFileAuthState, plus pre-keys up to {options.StoragePreKeys}), " +
                $"whatsmeow's schema v15 with a linked device row, and whatsapp-web.js 1.34.7 LocalAuth with Debian's Chromium (caches stripped); Chromium copies capped at {MaxChromiumFolders:N0}.",
                "Each folder goes through SessionInspector.Inspect as the fleet diagnosis calls it (quick_check, not the full integrity check): for Baileys that includes parsing creds.json and verifying " +
                "its signatures (X25519 key pairs, XEdDSA over the signed pre-key and the ADV account and device signatures); for whatsmeow opening the store read-only, quick_check, counting key rows " +
                "and verifying the device row's three signatures; for Chromium finding the LocalAuth profile, its login store, caches, locks and temp files.",
                "The floor only lists entries: opening files and verifying signatures are the inspection's own work, so the ratio shows what that work costs.",
                $"Median of {Rounds} alternating rounds on a warm page cache.",
            ],
            0);
    }

    private static int Share(int total, int index) => total / Formats.Length + (index < total % Formats.Length ? 1 : 0);

    /// <summary>Inspects every folder and stops the run if a healthy copy is not read as one: the numbers would mean nothing.</summary>
    private static void InspectAll(SessionInspector inspector, string root, SessionFormat format)
    {
        foreach (var account in Directory.EnumerateDirectories(root))
        {
            var folder = Path.Combine(account, "1");
            var inspection = inspector.Inspect(folder, new InspectionContext(InUse: false, DateTimeOffset.UtcNow, Deep: false));
            var expected = format == SessionFormat.ChromiumProfile ? LoginCheckResult.Unknown : LoginCheckResult.ProvenGood;
            if (inspection.Format != format || !inspection.LoginPresent || inspection.Login.Result != expected)
            {
                throw new InvalidOperationException($"{folder} was read as {inspection.Format}, login {inspection.Login.Summary}; the inspector or the copy is broken.");
            }
        }
    }

    /// <summary>More pre-key files, as Baileys adds them (pre-key-{id}.json), copied from the fixture's first one.</summary>
    private static void AddPreKeys(string folder, int preKeys)
    {
        var template = File.ReadAllBytes(Path.Combine(folder, "pre-key-1.json"));
        for (var id = 1; id <= preKeys; id++)
        {
            var path = Path.Combine(folder, $"pre-key-{id}.json");
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, template);
            }
        }
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
}
