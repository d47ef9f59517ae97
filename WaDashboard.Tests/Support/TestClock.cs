namespace WaDashboard.Tests.Support;

/// <summary>Where the tests' fake clocks start: a fixed moment, so that stored times and log lines are the same on every run.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
}
