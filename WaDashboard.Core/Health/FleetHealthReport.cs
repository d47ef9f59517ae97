using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Health;

/// <summary>Storage findings that lower an account's health score, per account id.</summary>
public interface IStorageFindingCounts
{
    Task<IReadOnlyDictionary<string, (int Warnings, int Criticals)>> CountAsync(CancellationToken cancellationToken);
}

/// <summary>The storage diagnosis of the whole fleet, counted per account and severity.</summary>
public sealed class StorageFindingCounts(Diagnostics.StorageDiagnostics diagnostics) : IStorageFindingCounts
{
    public async Task<IReadOnlyDictionary<string, (int Warnings, int Criticals)>> CountAsync(CancellationToken cancellationToken)
    {
        var diagnosis = await diagnostics.DiagnoseFleetAsync(cancellationToken);
        return diagnosis.Findings.Where(f => f.AccountId is not null)
            .GroupBy(f => f.AccountId!)
            .ToDictionary(g => g.Key, g => (
                g.Count(f => f.Severity == Storage.FindingSeverity.Warning),
                g.Count(f => f.Severity == Storage.FindingSeverity.Critical)));
    }
}

public sealed record AccountHealth(string AccountId, string Name, string Phone, AccountStatus Status, int Score, double Uptime24h, int Disconnects24h, int ReconnectAttempts);

public sealed record StateCount(string State, int Count);

public sealed record HourlyCount(DateTimeOffset Hour, string Series, int Count);

public sealed record DownAccount(string AccountId, string Name, AccountStatus Status, DisconnectReason? Reason, TimeSpan Down);

public sealed record FleetHealthSnapshot(
    DateTimeOffset At,
    IReadOnlyList<AccountHealth> Accounts,
    IReadOnlyList<StateCount> ByState,
    IReadOnlyList<HourlyCount> DisconnectsPerHour,
    IReadOnlyList<HourlyCount> ReconnectAttemptsPerHour,
    IReadOnlyList<DownAccount> LongestDown)
{
    public double AverageScore => Accounts.Count == 0 ? 100 : Accounts.Average(a => a.Score);
}

/// <summary>Builds the Health page's numbers from the live fleet and the last 24 h of the timeline (one query).</summary>
public sealed class FleetHealthReport(Fleet fleet, IAccountStore store, IStorageFindingCounts storage, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public async Task<FleetHealthSnapshot> BuildAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now - Window;
        var accounts = fleet.Accounts;
        var entries = await store.GetTimelineSinceAsync(since, cancellationToken);
        var byAccount = entries.GroupBy(e => e.AccountId).ToDictionary(g => g.Key, g => g.Select(e => e.Entry).OrderBy(e => e.At).ToList());
        var findings = await storage.CountAsync(cancellationToken);

        var health = new List<AccountHealth>(accounts.Count);
        foreach (var account in accounts)
        {
            var timeline = byAccount.GetValueOrDefault(account.Id) ?? [];
            // Before its first change in the window the account was in that change's "from" state; without changes, in its current one.
            var atStart = timeline.Count > 0 ? timeline[0].From : account.Status;
            var uptime = HealthScore.Uptime(atStart, timeline.Select(e => (e.At, e.To)), account.CreatedAt, since, now);
            var disconnects = timeline.Count(IsDisconnect);
            var (warnings, criticals) = findings.GetValueOrDefault(account.Id);
            var score = HealthScore.Compute(new HealthInputs(uptime, disconnects, account.ReconnectAttempt, warnings, criticals));
            health.Add(new AccountHealth(account.Id, account.Name, account.Phone.Value, account.Status, score, uptime, disconnects, account.ReconnectAttempt));
        }

        var byState = accounts.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => new StateCount(g.Key.ToString(), g.Count())).ToList();
        var disconnectsPerHour = entries.Where(e => IsDisconnect(e.Entry))
            .GroupBy(e => (Hour: Hour(e.Entry.At), Reason: e.Entry.Reason!.Value.ToString()))
            .Select(g => new HourlyCount(g.Key.Hour, g.Key.Reason, g.Count()))
            .OrderBy(h => h.Hour).ToList();
        var attemptsPerHour = entries.Where(e => e.Entry is { From: AccountStatus.Reconnecting, To: AccountStatus.Starting })
            .GroupBy(e => Hour(e.Entry.At))
            .Select(g => new HourlyCount(g.Key, "Automatic attempts", g.Count()))
            .OrderBy(h => h.Hour).ToList();
        var longestDown = accounts.Where(a => !a.IsConnected && a.Status != AccountStatus.New)
            .OrderBy(a => a.StatusSince).Take(10)
            .Select(a => new DownAccount(a.Id, a.Name, a.Status, a.Reason, now - a.StatusSince)).ToList();

        return new FleetHealthSnapshot(now, health, byState, disconnectsPerHour, attemptsPerHour, longestDown);
    }

    /// <summary>A disconnect is an entry with a reason, other than the routine restart after pairing.</summary>
    private static bool IsDisconnect(TimelineEntry entry) => entry.Reason is { } reason && reason != DisconnectReason.RestartRequired;

    private static DateTimeOffset Hour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
}
