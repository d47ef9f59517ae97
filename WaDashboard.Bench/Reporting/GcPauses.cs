using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace WaDashboard.Bench.Reporting;

/// <summary>
/// The garbage collector's pauses in this process, from the runtime's own events (the same ones dotnet-trace's
/// gc-collect profile records: suspension begins, event 9, to the restart's end, event 3), on the Stopwatch clock, so
/// that a latency sample can be told apart as one a pause held up.
/// </summary>
public sealed class GcPauses : EventListener
{
    private const int SuspendBegin = 9;
    private const int RestartEnd = 3;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly object _lock = new();
    private readonly List<(long Start, long End)> _pauses = [];
    private long? _start;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        // Event times are wall-clock; turn them into Stopwatch ticks (the samples' clock) through the current offset.
        var ticks = Stopwatch.GetTimestamp() - (long)((DateTime.UtcNow - e.TimeStamp.ToUniversalTime()).TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            if (e.EventId == SuspendBegin)
            {
                _start = ticks;
            }
            else if (e.EventId == RestartEnd && _start is { } start)
            {
                _pauses.Add((start, ticks));
                _start = null;
            }
        }
    }

    /// <summary>Whether a pause overlapped the interval between two Stopwatch timestamps.</summary>
    public bool Overlaps(long from, long to)
    {
        lock (_lock)
        {
            foreach (var (start, end) in _pauses)
            {
                if (start <= to && end >= from)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public List<(long Start, long End)> All()
    {
        lock (_lock)
        {
            return [.. _pauses];
        }
    }

    /// <summary>Pauses that began between two Stopwatch timestamps, and their longest, in ms.</summary>
    public (int Count, double LongestMs) Between(long from, long to)
    {
        lock (_lock)
        {
            var inside = _pauses.Where(p => p.Start >= from && p.Start <= to).ToList();
            return (inside.Count, inside.Count == 0 ? 0 : inside.Max(p => Stopwatch.GetElapsedTime(p.Start, p.End).TotalMilliseconds));
        }
    }
}
