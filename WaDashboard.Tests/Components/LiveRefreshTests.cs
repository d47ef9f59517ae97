using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Tests.Components;

/// <summary>How a page's live refresh spaces its renders when changes pour in.</summary>
public sealed class LiveRefreshTests
{
    private static readonly AccountState Account = new()
    {
        Id = AccountId.New(),
        Name = "Clinic",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = DateTimeOffset.UnixEpoch,
        StatusSince = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task A_change_after_a_quiet_spell_renders_at_once_and_a_burst_within_the_interval_renders_once_more_at_its_end()
    {
        var events = new FleetEvents(NullLogger<FleetEvents>.Instance);
        var renders = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(2);
        // A simulated clock that never moves: the spacing is on the real clock, so it still works under it.
        await using var refresh = new LiveRefresh(events, e => e is AccountChanged, render => render(), () =>
        {
            lock (renders)
            {
                renders.Add(clock.Elapsed);
            }

            return Task.CompletedTask;
        }, new FakeTimeProvider(TestClock.Start), minInterval: interval);

        events.Publish(new AccountChanged(Account));
        await WaitForAsync(() => Count(renders) == 1, "the first render");
        Assert.True(renders[0] < interval / 2, $"The first change waited {renders[0].TotalMilliseconds:0} ms for its render.");

        for (var i = 0; i < 100; i++)
        {
            events.Publish(new AccountChanged(Account with { Note = $"change {i}" }));
        }

        await WaitForAsync(() => Count(renders) == 2, "the render of the burst");
        Assert.True(renders[1] - renders[0] >= interval * 0.95, $"Renders {(renders[1] - renders[0]).TotalMilliseconds:0} ms apart.");
        await Task.Delay(interval + TimeSpan.FromMilliseconds(500));
        Assert.Equal(2, Count(renders));
    }

    [Fact]
    public async Task Without_an_interval_every_change_renders_as_before()
    {
        var events = new FleetEvents(NullLogger<FleetEvents>.Instance);
        var renders = 0;
        await using var refresh = new LiveRefresh(events, e => e is AccountChanged, render => render(), () =>
        {
            Interlocked.Increment(ref renders);
            return Task.CompletedTask;
        }, new FakeTimeProvider(TestClock.Start));

        for (var i = 0; i < 3; i++)
        {
            events.Publish(new AccountChanged(Account));
            await WaitForAsync(() => Volatile.Read(ref renders) == i + 1, $"render {i + 1}");
        }
    }

    private static int Count(List<TimeSpan> renders)
    {
        lock (renders)
        {
            return renders.Count;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var patience = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(15), $"Waited 15 s for {what}.");
            await Task.Delay(5);
        }
    }
}
