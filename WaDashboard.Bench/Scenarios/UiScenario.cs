using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Running;
using WaDashboard.Bench.Seeding;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// The real app with M accounts (2,000 at full size), T browser tabs (25) on the Accounts page, status changes
/// injected through the simulator's fault API at R per second (20): p50/p95/p99 time from a fault call to the DOM
/// of the tab showing the account. Floor: a circuit round trip on the same page, in the same tabs, under the same
/// load. Then the Accounts page with N accounts (10,000): server time of the first screen and rows in the DOM.
/// </summary>
public sealed class UiScenario : IScenario
{
    /// <summary>The grid's rows; each names its account on a marker element (MudDataGrid rows carry no attributes).</summary>
    private const string Rows = "#accounts-grid tr:has(.wa-row)";
    private const string Interactive = "#add-account";
    private const int RowsPerPage = 50;

    /// <summary>Pixels: the Accounts grid of a window this tall shows a desk of <see cref="RowsPerPage"/> dense rows.</summary>
    private const int DeskViewportHeight = 3800;

    /// <summary>Records, per row, every status the DOM shows and when (epoch ms, the browser's clock).</summary>
    private const string InstallObserver = """
        () => {
            const bench = window.__bench = { changes: [], last: new Map() };
            const scan = () => {
                const t = performance.timeOrigin + performance.now();
                for (const marker of document.querySelectorAll('#accounts-grid .wa-row')) {
                    const row = marker.closest('tr');
                    const badge = row && row.querySelector('.wa-status');
                    if (!badge) continue;
                    const id = marker.getAttribute('data-account-id');
                    const status = badge.getAttribute('data-status');
                    if (bench.last.get(id) !== status) {
                        bench.last.set(id, status);
                        bench.changes.push([id, status, t]);
                    }
                }
            };
            scan();
            new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        }
        """;

    /// <summary>Clicks a row's checkbox and times until the server's render shows the new selection count.</summary>
    private const string CircuitRoundTrip = """
        () => new Promise(resolve => {
            const box = document.querySelector('#accounts-grid input.wa-select');
            const button = document.querySelector('#bulk-reconnect');
            if (!box || !button) { resolve(-1); return; }
            const expected = `(${box.checked ? 0 : 1})`;
            let done = false;
            const finish = value => { if (!done) { done = true; observer.disconnect(); resolve(value); } };
            const start = performance.now();
            const observer = new MutationObserver(() => {
                if (button.textContent.includes(expected)) finish(performance.now() - start);
            });
            observer.observe(button, { subtree: true, childList: true, characterData: true, attributes: true });
            box.click();
            setTimeout(() => finish(-1), 15000);
        })
        """;

    public string Name => "ui";

    public async Task<ScenarioReport> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var live = await LiveAsync(context, cancellationToken);
        var first = await FirstScreenAsync(context, cancellationToken);
        var m = options.EffectiveUiAccounts;
        var n = options.Accounts;
        return new ScenarioReport(Name, $"{options.Tabs} tabs on the Accounts page of the real app, {m:N0} accounts, {options.ChangesPerSecond:0.#} status changes/s", m,
            "a circuit round trip on the same page (a click until the DOM shows the server's answer), same tabs, same load; for the first screen, a bare request to the same app (/healthz)",
            [
                new Metric("status change -> DOM, p50", "ms", live.Latency.Percentile(50), live.LoadedRoundTrip.Percentile(50)),
                new Metric("status change -> DOM, p95", "ms", live.Latency.Percentile(95), live.LoadedRoundTrip.Percentile(95), Target.AtMost(100, "ms")),
                new Metric("status change -> DOM, p99", "ms", live.Latency.Percentile(99), live.LoadedRoundTrip.Percentile(99)),
                new Metric("  of which fault -> state committed, p50", "ms", live.ToCommit.Percentile(50)),
                new Metric("  of which fault -> state committed, p95", "ms", live.ToCommit.Percentile(95)),
                new Metric("  of which committed -> DOM, p50", "ms", live.CommitToDom.Percentile(50)),
                new Metric("  of which committed -> DOM, p95", "ms", live.CommitToDom.Percentile(95)),
                new Metric("circuit round trip without load, p50", "ms", live.IdleRoundTrip.Percentile(50)),
                new Metric("faults injected per second", "/s", live.FaultsPerSecond),
                new Metric("status changes shown per second, all tabs", "/s", live.ShownPerSecond),
                new Metric("app CPU during the changes (one core = 100%)", "%", live.AppCpuPercent),
                new Metric("rows in the DOM per tab", "", live.MaxRows, Goal: Target.AtMost(100, "")),
                new Metric($"first screen with {n:N0} accounts, server time", "ms", first.ServerTime.Median, first.Bare.Median, Target.AtMost(300, "ms")),
                new Metric($"first screen with {n:N0} accounts, first load", "ms", first.Cold),
                new Metric($"rows in the DOM with {n:N0} accounts", "", first.MaxRows, Goal: Target.AtMost(100, "")),
            ],
            [
                $"Each tab searches its own desk of {live.PerTab} accounts, so every change is shown by exactly one tab while all {options.Tabs} circuits re-render on every change; " +
                $"the faults (drop, 428) go round the {live.PerTab * options.Tabs:N0} shown accounts, and each drop is followed by a reconnect (Reconnecting -> Starting -> Connected).",
                $"Latency: from just before the fault's HTTP call to the MutationObserver of the tab seeing the row's new status (performance.timeOrigin + now, corrected by a per-tab clock " +
                $"calibration of at most +-{live.ClockUncertainty:0.0} ms). {live.Latency.Count:N0} changes measured, {live.Missed} not seen, {live.Refused} faults refused.",
                "The split at the commit uses the app's own log line for the change (written right after the commit, before the pages are told), on the same clock.",
                $"Round trips: {live.LoadedRoundTrip.Count} under load, {live.IdleRoundTrip.Count} before it. The browser (all tabs) runs on the same 2 cores as the app.",
                $"First screen: the navigation's responseStart - requestStart, median of {first.ServerTime.Count} loads after a first one; rows counted once the page is interactive.",
                "The app runs with Simulator:StartDelay 0.1 s, Reconnect:ConnectRatePercent 25 and MaxConcurrentConnects 100 so its fleet connects in seconds, " +
                $"and Security:MaxCircuitsPerUser {CircuitLimit(options.Tabs)} so one operator may hold {options.Tabs} tabs; everything else as shipped.",
            ],
            0);
    }

    private static int CircuitLimit(int tabs) => tabs + 10;

    private static Dictionary<string, string> AppSettings(int tabs) => new()
    {
        ["Simulator__StartDelay"] = "00:00:00.100",
        ["Reconnect__ConnectRatePercent"] = "25",
        ["Reconnect__MaxConcurrentConnects"] = "100",
        ["Security__MaxCircuitsPerUser"] = CircuitLimit(tabs).ToString(CultureInfo.InvariantCulture),
    };

    private static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    private static string Desk(int group) => $"Desk {(char)('A' + group / 26)}{(char)('A' + group % 26)}";

    private sealed record LiveResult(
        Samples Latency, Samples LoadedRoundTrip, Samples IdleRoundTrip, double FaultsPerSecond, double ShownPerSecond,
        int MaxRows, int PerTab, int Missed, int Refused, double ClockUncertainty, double AppCpuPercent, Samples ToCommit, Samples CommitToDom);

    private sealed record Tab(int Group, IPage Page, double Offset, double Uncertainty);

    private sealed record Fault(string AccountId, int Group, double At, bool Accepted);

    private static async Task<LiveResult> LiveAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var m = options.EffectiveUiAccounts;
        var tabs = options.Tabs;
        var perTab = Math.Min(RowsPerPage, m / tabs);
        var shown = tabs * perTab;
        // The first tabs x perTab accounts form the desks, interleaved so that consecutive faults hit different tabs.
        var shape = new SeedShape { NameOf = i => i < shown ? $"{Desk(i % tabs)} {i / tabs + 1:000}" : $"Account {i + 1:00000}" };
        var folder = context.NewFolder("ui");
        context.Progress($"seeding {m:N0} linked accounts; {tabs} desks of {perTab}");
        var accounts = await FleetSeed.SeedAsync(AppProcess.DataDirectoryIn(folder), m, shape, cancellationToken);

        await using var app = await BenchRun.StartAppAsync(folder, AppSettings(tabs), cancellationToken);
        var connected = await app.Api.WaitForConnectedAsync(m, TimeSpan.FromMinutes(10), cancellationToken);
        context.Progress($"app ready in {app.ReadyAfter.TotalSeconds:0.0} s; all {m:N0} connected {connected.TotalSeconds:0.0} s later; opening {tabs} tabs");
        await using var browser = await BenchRun.StartSignedInBrowserAsync(folder, app);

        var open = new List<Tab>();
        for (var group = 0; group < tabs; group++)
        {
            open.Add(await OpenDeskAsync(browser, app, group, perTab));
        }

        context.Progress("circuit round trips without load");
        var idle = new Samples();
        foreach (var tab in open)
        {
            for (var i = 0; i < 2; i++)
            {
                if (await tab.Page.EvaluateAsync<double>(CircuitRoundTrip) is var ms and >= 0)
                {
                    idle.Add(ms);
                }
            }
        }

        var seconds = options.UiSeconds;
        context.Progress($"{options.ChangesPerSecond:0.#} drops/s for {seconds:0} s with all {tabs} tabs open");
        var targets = accounts.Take(shown).Select(a => (a.Id, Group: a.Index % tabs)).ToList();
        using var loadOver = new CancellationTokenSource();
        var loaded = new Samples();
        var roundTrips = RoundTripsAsync(open, loaded, loadOver.Token);
        var appCpu = app.CpuTime;
        var loadClock = Stopwatch.StartNew();
        var faults = await InjectAsync(app, targets, options.ChangesPerSecond, TimeSpan.FromSeconds(seconds), cancellationToken);
        var loadSeconds = loadClock.Elapsed.TotalSeconds;
        var appCpuPercent = (app.CpuTime - appCpu).TotalSeconds / loadSeconds * 100;
        await loadOver.CancelAsync();
        await roundTrips;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);

        var latency = new Samples();
        var toCommit = new Samples();
        var commitToDom = new Samples();
        var committed = AppLog.StatusChanges(AppProcess.DataDirectoryIn(folder));
        var missed = 0;
        var shownChanges = 0;
        var maxRows = 0;
        var loadStart = faults.Count > 0 ? faults.Min(f => f.At) : UnixMs();
        foreach (var tab in open)
        {
            var changes = await ChangesAsync(tab);
            shownChanges += changes.Values.Sum(list => list.Count(c => c.At >= loadStart && c.At <= loadStart + loadSeconds * 1000));
            foreach (var fault in faults.Where(f => f.Accepted && f.Group == tab.Group))
            {
                var seen = changes.TryGetValue(fault.AccountId, out var list)
                    ? list.Where(c => c.Status != "Connected" && c.At >= fault.At - 1).Select(c => c.At).DefaultIfEmpty(double.NaN).Min()
                    : double.NaN;
                if (double.IsNaN(seen))
                {
                    missed++;
                    continue;
                }

                latency.Add(seen - fault.At);
                var logged = committed.TryGetValue(fault.AccountId, out var logLines)
                    ? logLines.Where(c => c.From == "Connected" && c.At >= fault.At - 1).Select(c => c.At).DefaultIfEmpty(double.NaN).Min()
                    : double.NaN;
                if (!double.IsNaN(logged))
                {
                    toCommit.Add(logged - fault.At);
                    commitToDom.Add(seen - logged);
                }
            }

            maxRows = Math.Max(maxRows, await tab.Page.Locator(Rows).CountAsync());
        }

        context.Progress($"{latency.Count} changes timed: p50 {latency.Percentile(50):0.0} ms, p95 {latency.Percentile(95):0.0} ms; round trip p50 {loaded.Percentile(50):0.0} ms");
        return new LiveResult(latency, loaded, idle, faults.Count / loadSeconds, shownChanges / loadSeconds, maxRows, perTab,
            missed, faults.Count(f => !f.Accepted), open.Max(t => t.Uncertainty), appCpuPercent, toCommit, commitToDom);
    }

    /// <summary>Opens the Accounts page in a new tab, searches one desk, installs the observer and calibrates the tab's clock.</summary>
    private static async Task<Tab> OpenDeskAsync(BrowserSession browser, AppProcess app, int group, int perTab)
    {
        var page = await browser.Context.NewPageAsync();
        // The grid is virtualized: it renders the rows in view. A window tall enough for a desk of 50 keeps every
        // watched account in the DOM, as the paged grid of the .NET 8 figures did.
        await page.SetViewportSizeAsync(1280, DeskViewportHeight);
        await page.GotoAsync(app.BaseUrl.ToString());
        await BlazorCircuit.WaitUntilInteractiveAsync(page, Interactive, browser.Patience);
        var desk = Desk(group);
        await page.FillAsync("#account-filter", desk);
        await page.WaitForFunctionAsync(
            "([selector, count, desk]) => { const rows = [...document.querySelectorAll(selector)]; return rows.length === count && rows.every(r => r.textContent.includes(desk)); }",
            new object[] { Rows, perTab, desk });
        await page.EvaluateAsync(InstallObserver);

        // The browser's epoch clock against ours: the tightest of several round trips.
        var offset = 0.0;
        var uncertainty = double.MaxValue;
        for (var i = 0; i < 7; i++)
        {
            var before = UnixMs();
            var theirs = await page.EvaluateAsync<double>("() => performance.timeOrigin + performance.now()");
            var after = UnixMs();
            if ((after - before) / 2 < uncertainty)
            {
                uncertainty = (after - before) / 2;
                offset = theirs - (before + after) / 2;
            }
        }

        return new Tab(group, page, offset, uncertainty);
    }

    /// <summary>Drops the shown accounts in turn at a steady rate, each call timed from just before it is sent.</summary>
    private static async Task<List<Fault>> InjectAsync(AppProcess app, IReadOnlyList<(string Id, int Group)> targets, double perSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var calls = new List<Task<Fault>>();
        var clock = Stopwatch.StartNew();
        var total = (int)(perSecond * duration.TotalSeconds);
        for (var k = 0; k < total; k++)
        {
            var due = TimeSpan.FromSeconds(k / perSecond);
            if (due - clock.Elapsed is { TotalMilliseconds: > 1 } wait)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var target = targets[k % targets.Count];
            calls.Add(DropAsync(app, target.Id, target.Group, cancellationToken));
        }

        return [.. await Task.WhenAll(calls)];
    }

    private static async Task<Fault> DropAsync(AppProcess app, string accountId, int group, CancellationToken cancellationToken)
    {
        var at = UnixMs();
        using var response = await app.Api.Http.PostAsJsonAsync($"api/simulator/accounts/{accountId}/faults", new { kind = "drop" }, cancellationToken);
        return new Fault(accountId, group, at, response.IsSuccessStatusCode);
    }

    /// <summary>One round trip at a time, going round the tabs, until the load is over.</summary>
    private static async Task RoundTripsAsync(IReadOnlyList<Tab> tabs, Samples samples, CancellationToken loadOver)
    {
        for (var k = 0; !loadOver.IsCancellationRequested; k++)
        {
            var ms = await tabs[k % tabs.Count].Page.EvaluateAsync<double>(CircuitRoundTrip);
            if (ms >= 0 && !loadOver.IsCancellationRequested)
            {
                samples.Add(ms);
            }

            try
            {
                await Task.Delay(100, loadOver);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private sealed record Change(string Status, double At);

    /// <summary>What the tab's observer saw, per account, on our clock.</summary>
    private static async Task<Dictionary<string, List<Change>>> ChangesAsync(Tab tab)
    {
        var raw = await tab.Page.EvaluateAsync<JsonElement>("() => window.__bench.changes");
        var byAccount = new Dictionary<string, List<Change>>(StringComparer.Ordinal);
        foreach (var entry in raw.EnumerateArray())
        {
            var id = entry[0].GetString()!;
            if (!byAccount.TryGetValue(id, out var list))
            {
                byAccount[id] = list = [];
            }

            list.Add(new Change(entry[1].GetString() ?? "", entry[2].GetDouble() - tab.Offset));
        }

        return byAccount;
    }

    private sealed record FirstScreen(Samples ServerTime, double Cold, Samples Bare, int MaxRows);

    /// <summary>The Accounts page of an app with N accounts: server time of the first screen, rows in the DOM.</summary>
    private static async Task<FirstScreen> FirstScreenAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var n = context.Options.Accounts;
        var folder = context.NewFolder("ui-first-screen");
        context.Progress($"first screen: seeding {n:N0} linked accounts");
        await FleetSeed.SeedAsync(AppProcess.DataDirectoryIn(folder), n, new SeedShape(), cancellationToken);
        await using var app = await BenchRun.StartAppAsync(folder, AppSettings(1), cancellationToken);
        var connected = await app.Api.WaitForConnectedAsync(n, TimeSpan.FromMinutes(10), cancellationToken);
        context.Progress($"all {n:N0} connected {connected.TotalSeconds:0.0} s after start; loading the Accounts page");
        await using var browser = await BenchRun.StartSignedInBrowserAsync(folder, app);
        var page = await browser.Context.NewPageAsync();

        var warm = new Samples();
        var cold = double.NaN;
        var maxRows = 0;
        for (var i = 0; i < 6; i++)
        {
            await page.GotoAsync(app.BaseUrl.ToString());
            var serverTime = await page.EvaluateAsync<double>(
                "() => { const n = performance.getEntriesByType('navigation')[0]; return n.responseStart - n.requestStart; }");
            if (i == 0)
            {
                cold = serverTime;
            }
            else
            {
                warm.Add(serverTime);
            }

            await BlazorCircuit.WaitUntilInteractiveAsync(page, Interactive, browser.Patience);
            maxRows = Math.Max(maxRows, await page.Locator(Rows).CountAsync());
        }

        var bare = new Samples();
        for (var i = 0; i < 5; i++)
        {
            bare.Add(await page.EvaluateAsync<double>(
                """
                async () => {
                    const url = new URL('/healthz?bench=' + Math.random(), location.href).href;
                    await (await fetch(url)).text();
                    const entry = performance.getEntriesByName(url).pop();
                    return entry.responseStart - entry.requestStart;
                }
                """));
        }

        context.Progress($"server time p50 {warm.Median:0.0} ms (first load {cold:0.0} ms); {maxRows} rows in the DOM");
        return new FirstScreen(warm, cold, bare, maxRows);
    }

    /// <summary>The status changes the app logged (its file log), per account, as epoch milliseconds on the machine's clock.</summary>
    private static class AppLog
    {
        public sealed record Logged(string From, string To, double At);

        public static Dictionary<string, List<Logged>> StatusChanges(string dataDirectory)
        {
            var byAccount = new Dictionary<string, List<Logged>>(StringComparer.Ordinal);
            var folder = Path.Combine(dataDirectory, "logs");
            if (!Directory.Exists(folder))
            {
                return byAccount;
            }

            // One JSON event per line (@t time, @m rendered message), as the app's file log writes them.
            foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (reader.ReadLine() is { } line)
                {
                    // @m: [+9725******07] 86e59af85159dc89 Connected -> Reconnecting - Reason: ... (strings may be quoted)
                    if (!line.Contains(" -> ", StringComparison.Ordinal) || Event(line) is not { } logged)
                    {
                        continue;
                    }

                    var (at, message) = logged;
                    var arrow = message.IndexOf(" -> ", StringComparison.Ordinal);
                    if (arrow < 0)
                    {
                        continue;
                    }

                    var before = message[..arrow].Split(' ');
                    var after = message[(arrow + 4)..].Split(' ', ';');
                    if (before.Length < 2 || after.Length == 0 || before[^2].Trim('"').Length != 16)
                    {
                        continue;
                    }

                    var id = before[^2].Trim('"');
                    if (!byAccount.TryGetValue(id, out var list))
                    {
                        byAccount[id] = list = [];
                    }

                    list.Add(new Logged(before[^1].Trim('"'), after[0].Trim('"'), (at.UtcDateTime - DateTime.UnixEpoch).TotalMilliseconds));
                }
            }

            return byAccount;
        }

        private static (DateTimeOffset At, string Message)? Event(string line)
        {
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(line);
                var root = document.RootElement;
                return root.TryGetProperty("@t", out var t) && root.TryGetProperty("@m", out var m) && m.GetString() is { } message
                    ? (t.GetDateTimeOffset(), message)
                    : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }
}
