using WaDashboard.Core.Sessions;
using Xunit;

namespace WaDashboard.Tests.Unit;

public sealed class DeadlineSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Due_deadlines_come_out_in_time_order_and_later_ones_wait()
    {
        var scheduler = new DeadlineScheduler();
        scheduler.Schedule("b", DeadlineKind.ReconnectDue, T0.AddSeconds(20), 1);
        scheduler.Schedule("a", DeadlineKind.ReconnectDue, T0.AddSeconds(10), 1);
        scheduler.Schedule("c", DeadlineKind.StartTimeout, T0.AddSeconds(30), 4);

        var due = scheduler.TakeDue(T0.AddSeconds(25));

        Assert.Equal(["a", "b"], due.Select(d => d.AccountId));
        Assert.Equal(1, scheduler.Count);
        var last = Assert.Single(scheduler.TakeDue(T0.AddSeconds(30)));
        Assert.Equal(("c", new DeadlineReached(DeadlineKind.StartTimeout, 4)), last);
        Assert.Empty(scheduler.TakeDue(T0.AddHours(1)));
        Assert.Equal(0, scheduler.Count);
    }

    [Theory]
    [InlineData(10, 40)] // rescheduled later
    [InlineData(40, 10)] // rescheduled earlier
    public void A_later_schedule_of_the_same_account_and_kind_replaces_the_earlier_one(int firstSeconds, int secondSeconds)
    {
        var scheduler = new DeadlineScheduler();
        scheduler.Schedule("a", DeadlineKind.ReconnectDue, T0.AddSeconds(firstSeconds), 1);
        scheduler.Schedule("a", DeadlineKind.ReconnectDue, T0.AddSeconds(secondSeconds), 2);
        scheduler.Schedule("a", DeadlineKind.StartTimeout, T0.AddSeconds(5), 2);

        var due = scheduler.TakeDue(T0.AddMinutes(1));

        Assert.Equal(
            [("a", new DeadlineReached(DeadlineKind.StartTimeout, 2)), ("a", new DeadlineReached(DeadlineKind.ReconnectDue, 2))],
            due);
    }

    [Fact]
    public void Accounts_that_flap_faster_than_their_deadlines_do_not_grow_the_queue()
    {
        var scheduler = new DeadlineScheduler();
        for (var i = 0; i < 200_000; i++)
        {
            scheduler.Schedule($"account-{i % 100}", DeadlineKind.ReconnectDue, T0.AddHours(1).AddMilliseconds(i), i);
        }

        Assert.Equal(100, scheduler.Count);
        Assert.InRange(scheduler.Held, 100, 2 * 100 + 1024 + 1);
        var due = scheduler.TakeDue(T0.AddHours(2));
        Assert.Equal(100, due.Count);
        Assert.All(due, d => Assert.True(d.Deadline.Token >= 200_000 - 100, $"{d.AccountId} came due with the superseded token {d.Deadline.Token}"));
    }
}
