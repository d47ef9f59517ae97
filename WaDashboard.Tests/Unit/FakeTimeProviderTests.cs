using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

public class FakeTimeProviderTests
{
    [Fact]
    public void One_shot_and_periodic_timers_fire_in_due_order_at_their_due_time()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<(string Name, TimeSpan At)>();
        using var once = time.CreateTimer(_ => fired.Add(("once", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var every = time.CreateTimer(_ => fired.Add(("every", time.GetUtcNow() - start)), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([("every", TimeSpan.FromSeconds(2)), ("once", TimeSpan.FromSeconds(3)), ("every", TimeSpan.FromSeconds(4))], fired);
        Assert.Equal(start + TimeSpan.FromSeconds(5), time.GetUtcNow());
    }

    [Fact]
    public void A_disposed_timer_never_fires()
    {
        var time = new FakeTimeProvider();
        var fired = 0;
        var timer = time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        timer.Dispose();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired);
    }
}
