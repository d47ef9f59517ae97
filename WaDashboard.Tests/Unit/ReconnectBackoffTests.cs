using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Tests.Unit;

public class ReconnectBackoffTests
{
    private static readonly ReconnectOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromMinutes(5) };

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 6)]
    [InlineData(2, 12)]
    [InlineData(5, 96)]
    [InlineData(6, 192)]
    [InlineData(7, 300)]
    [InlineData(30, 300)]
    [InlineData(1000, 300)]
    public void The_ceiling_doubles_per_attempt_up_to_the_cap(int attempt, double ceilingSeconds) =>
        Assert.Equal(ceilingSeconds, ReconnectBackoff.Ceiling(attempt, DisconnectReason.ConnectionLost, Options).TotalSeconds, precision: 6);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.25)]
    [InlineData(0.999)]
    public void Full_jitter_draws_between_zero_and_the_ceiling(double sample)
    {
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var delay = ReconnectBackoff.Delay(attempt, sample, DisconnectReason.Timeout, Options);
            var ceiling = ReconnectBackoff.Ceiling(attempt, DisconnectReason.Timeout, Options);
            Assert.InRange(delay, TimeSpan.Zero, ceiling);
            Assert.Equal(ceiling.TotalMilliseconds * sample, delay.TotalMilliseconds, precision: 3);
        }
    }

    [Fact]
    public void Service_unavailable_backs_off_longer_and_restart_required_is_immediate()
    {
        Assert.Equal(TimeSpan.FromSeconds(12), ReconnectBackoff.Ceiling(0, DisconnectReason.ServiceUnavailable, Options));
        Assert.Equal(TimeSpan.Zero, ReconnectBackoff.Delay(3, 0.9, DisconnectReason.RestartRequired, Options));
    }

    [Fact]
    public void Random_samples_spread_the_delays_instead_of_synchronising_them()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 1000).Select(_ => ReconnectBackoff.Delay(6, random.NextDouble(), DisconnectReason.ConnectionLost, Options).TotalSeconds).ToList();

        Assert.InRange(delays.Min(), 0, 10);
        Assert.InRange(delays.Max(), 180, 192);
        Assert.InRange(delays.Average(), 86, 106); // uniform on [0, 192): mean 96
    }
}
