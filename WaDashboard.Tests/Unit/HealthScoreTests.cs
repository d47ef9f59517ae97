using WaDashboard.Core.Accounts;
using WaDashboard.Core.Health;

namespace WaDashboard.Tests.Unit;

public class HealthScoreTests
{
    [Theory]
    [InlineData(1.0, 0, 0, 0, 0, 100)]
    [InlineData(0.5, 0, 0, 0, 0, 50)]
    [InlineData(1.0, 2, 0, 0, 0, 90)]
    [InlineData(1.0, 50, 0, 0, 0, 70)]    // disconnects cost at most 30
    [InlineData(1.0, 0, 3, 0, 0, 94)]
    [InlineData(1.0, 0, 500, 0, 0, 80)]   // attempts cost at most 20
    [InlineData(1.0, 0, 0, 1, 0, 90)]
    [InlineData(1.0, 0, 0, 0, 1, 75)]
    [InlineData(1.0, 0, 0, 3, 2, 60)]     // storage costs at most 40
    [InlineData(0.1, 10, 10, 1, 1, 0)]    // never below 0
    [InlineData(0.996, 0, 0, 0, 0, 100)]
    public void The_score_follows_the_documented_formula(double uptime, int disconnects, int attempts, int warnings, int criticals, int expected) =>
        Assert.Equal(expected, HealthScore.Compute(new HealthInputs(uptime, disconnects, attempts, warnings, criticals)));

    private static readonly DateTimeOffset WindowStart = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = WindowStart.AddHours(24);

    /// <summary>
    /// Uptime over the part of the 24 h window the account's login existed. Times are seconds from the window's start
    /// (86,400 is now); transitions are "second:Status" pairs.
    /// </summary>
    public static TheoryData<string, int, AccountStatus, string, double> UptimeTable => new()
    {
        { "connected all day", -100_000, AccountStatus.Connected, "", 1 },
        { "linked before the window, logged out at noon", -100_000, AccountStatus.Connected, "43200:LoggedOut", 0.5 },
        { "a change before the window is ignored", -100_000, AccountStatus.Connected, "-3600:Reconnecting", 1 },
        // Added three minutes ago, QR scanned 39 s later: 74 % over its life, 100 % over its login's life.
        { "freshly linked", 86_250, AccountStatus.New, "86250:New 86260:AwaitingQrScan 86289:Connected", 1 },
        { "added yesterday, linked at noon today", -100_000, AccountStatus.New, "43200:Connected", 1 },
        { "added at noon, linked a minute later, logged out at 18:00 plus 30 s", 43_200, AccountStatus.New, "43260:Connected 64830:LoggedOut", 0.5 },
        { "added and never linked", 80_000, AccountStatus.New, "80010:AwaitingQrScan 80130:QrExpired", 0 },
        { "never linked, added before the window", -100_000, AccountStatus.New, "", 0 },
        { "moved to another server after linking: the relink wait counts", -100_000, AccountStatus.Connected, "43200:New 64800:Connected", 0.75 },
        { "linked, a six-hour outage", -100_000, AccountStatus.Connected, "21600:Reconnecting 21660:Starting 43200:Connected", 0.75 },
    };

    [Theory]
    [MemberData(nameof(UptimeTable))]
    public void Uptime_counts_only_the_part_of_the_window_the_login_existed(string _, int createdAt, AccountStatus atStart, string transitions, double expected)
    {
        var changes = transitions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Split(':'))
            .Select(p => (WindowStart.AddSeconds(int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)), Enum.Parse<AccountStatus>(p[1])));

        Assert.Equal(expected, HealthScore.Uptime(atStart, changes, WindowStart.AddSeconds(createdAt), WindowStart, Now), precision: 9);
    }

    [Fact]
    public void A_freshly_linked_account_that_stays_connected_scores_100()
    {
        var created = Now.AddMinutes(-3);
        var uptime = HealthScore.Uptime(AccountStatus.New, [(created, AccountStatus.New), (created.AddSeconds(39), AccountStatus.Connected)], created, WindowStart, Now);

        Assert.Equal(100, HealthScore.Compute(new HealthInputs(uptime, 0, 0, 0, 0)));
    }

    [Fact]
    public void Uptime_is_the_connected_share_of_the_window()
    {
        var start = new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
        var now = start.AddHours(24);
        var transitions = new[]
        {
            (start.AddHours(-3), AccountStatus.Connected),      // before the window: ignored
            (start.AddHours(6), AccountStatus.Reconnecting),
            (start.AddHours(6).AddMinutes(1), AccountStatus.Starting),
            (start.AddHours(6).AddMinutes(2), AccountStatus.Connected),
            (start.AddHours(18), AccountStatus.LoggedOut),
        };

        var uptime = HealthScore.Uptime(AccountStatus.Connected, transitions, start.AddDays(-2), start, now);

        Assert.Equal((6 * 60 + (18 * 60 - (6 * 60 + 2))) / (24.0 * 60), uptime, precision: 9);
        Assert.Equal(1, HealthScore.Uptime(AccountStatus.Connected, [], start.AddDays(-2), start, now));
    }
}
