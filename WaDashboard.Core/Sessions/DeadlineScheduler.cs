namespace WaDashboard.Core.Sessions;

/// <summary>
/// One shared priority queue of deadlines for the whole fleet (no timer per account). The deadline loop drains
/// what is due and posts it to the supervisors, which check that the deadline still applies.
/// </summary>
public sealed class DeadlineScheduler
{
    private readonly object _lock = new();
    private readonly PriorityQueue<(string AccountId, DeadlineReached Deadline), DateTimeOffset> _queue = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Schedule(string accountId, DeadlineKind kind, DateTimeOffset at, long token)
    {
        lock (_lock)
        {
            _queue.Enqueue((accountId, new DeadlineReached(kind, token)), at);
        }
    }

    public List<(string AccountId, DeadlineReached Deadline)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(string, DeadlineReached)>();
        lock (_lock)
        {
            while (_queue.TryPeek(out var item, out var at) && at <= now)
            {
                _queue.Dequeue();
                due.Add(item);
            }
        }

        return due;
    }
}
