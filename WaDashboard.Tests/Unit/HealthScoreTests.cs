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

        var uptime = HealthScore.Uptime(AccountStatus.Connected, transitions, start, now);

        Assert.Equal((6 * 60 + (18 * 60 - (6 * 60 + 2))) / (24.0 * 60), uptime, precision: 9);
        Assert.Equal(1, HealthScore.Uptime(AccountStatus.Connected, [], start, now));
        Assert.Equal(0, HealthScore.Uptime(AccountStatus.New, [], start, now));
        Assert.Equal(0.5, HealthScore.Uptime(AccountStatus.New, [(start.AddHours(12), AccountStatus.Connected)], start, now), precision: 9);
    }
}
