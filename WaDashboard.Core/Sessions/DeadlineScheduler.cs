namespace WaDashboard.Core.Sessions;

/// <summary>
/// One shared priority queue of deadlines for the whole fleet (no timer per account). The deadline loop drains
/// what is due and posts it to the supervisors, which check that the deadline still applies.
/// <para>
/// Only the latest deadline of each kind per account is kept: a supervisor schedules from its current state, so an
/// older one of the same kind could only come due to be ignored (its token or time no longer matches). Entries are
/// plain values over the account's own id, so scheduling allocates nothing that outlives the call: at 5,000 events/s a
/// deadline object per disconnect, held for up to the maximum reconnect delay, was what every garbage collection had to
/// promote (dotnet-gcdump and dotnet-trace on the pipeline benchmark; see docs/benchmarks.md).
/// </para>
/// </summary>
public sealed class DeadlineScheduler
{
    private readonly record struct Entry(string AccountId, DeadlineKind Kind, long Token, long Sequence);

    private readonly object _lock = new();
    private readonly PriorityQueue<Entry, DateTimeOffset> _queue = new();
    private readonly Dictionary<(string AccountId, DeadlineKind Kind), long> _latest = [];
    private long _sequence;

    /// <summary>Deadlines still to come (one per account and kind at most).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _latest.Count;
            }
        }
    }

    /// <summary>Entries held, superseded ones included until they are dropped (for tests of the bound).</summary>
    internal int Held
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
            var sequence = ++_sequence;
            _latest[(accountId, kind)] = sequence;
            _queue.Enqueue(new Entry(accountId, kind, token, sequence), at);
            if (_queue.Count > 2 * _latest.Count + 1024)
            {
                DropSuperseded();
            }
        }
    }

    public List<(string AccountId, DeadlineReached Deadline)> TakeDue(DateTimeOffset now)
    {
        var due = new List<(string, DeadlineReached)>();
        lock (_lock)
        {
            while (_queue.TryPeek(out var entry, out var at) && at <= now)
            {
                _queue.Dequeue();
                if (IsLatest(entry))
                {
                    _latest.Remove((entry.AccountId, entry.Kind));
                    due.Add((entry.AccountId, new DeadlineReached(entry.Kind, entry.Token)));
                }
            }
        }

        return due;
    }

    private bool IsLatest(Entry entry) => _latest.TryGetValue((entry.AccountId, entry.Kind), out var sequence) && sequence == entry.Sequence;

    /// <summary>Keeps the queue within twice the live deadlines, however often accounts flap before their deadlines come due.</summary>
    private void DropSuperseded()
    {
        var live = _queue.UnorderedItems.Where(item => IsLatest(item.Element)).ToList();
        _queue.Clear();
        _queue.EnqueueRange(live);
    }
}
