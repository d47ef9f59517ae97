using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>The dispatcher's side: waiting for work, claiming a message, completing or returning it.</summary>
public sealed partial class Outbox
{
    internal void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits until there may be work (a tick, a new message, a finished send). False when the outbox stops.</summary>
    internal async ValueTask<bool> WaitForWorkAsync(CancellationToken cancellationToken)
    {
        if (!await _wake.Reader.WaitToReadAsync(cancellationToken))
        {
            return false;
        }

        _wake.Reader.TryRead(out _);
        return true;
    }

    /// <summary>Accounts with waiting messages and nothing being sent, with the version of their queue.</summary>
    internal List<(string AccountId, long Version)> AccountsReadyToClaim()
    {
        lock (_lock)
        {
            var ready = new List<(string, long)>();
            foreach (var (accountId, queue) in _queues)
            {
                if (queue.Waiting.Count > 0 && queue.Sending is null)
                {
                    ready.Add((accountId, queue.Version));
                }
            }

            return ready;
        }
    }

    /// <summary>
    /// Lets <paramref name="choose"/> pick one of the account's waiting messages (in order) and claims it for sending.
    /// Returns the claimed message, marked Sending in memory, or null.
    /// </summary>
    internal OutboxMessage? TryClaim(string accountId, Func<IEnumerable<OutboxMessage>, long?> choose, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue(accountId, out var queue) || queue.Sending is not null || queue.Waiting.Count == 0)
            {
                return null;
            }

            if (choose(queue.Waiting.Values) is not { } id || !queue.Waiting.Remove(id, out var chosen))
            {
                return null;
            }

            var sending = chosen with { Status = OutboxStatus.Sending, UpdatedAt = now };
            queue.Sending = id;
            queue.Busy++;
            _active[id] = sending;
            return sending;
        }
    }

    /// <summary>Claims every waiting message that expired.</summary>
    internal List<OutboxMessage> ClaimExpired(DateTimeOffset now, TimeSpan expireAfter)
    {
        var expired = new List<OutboxMessage>();
        if (expireAfter <= TimeSpan.Zero)
        {
            return expired;
        }

        lock (_lock)
        {
            foreach (var queue in _queues.Values)
            {
                foreach (var message in queue.Waiting.Values.Where(m => SendOutcomes.IsExpired(m, now, expireAfter)).ToList())
                {
                    queue.Waiting.Remove(message.Id);
                    queue.Busy++;
                    expired.Add(message);
                }
            }
        }

        return expired;
    }

    /// <summary>Commits the next state of a claimed message, then releases it: back to waiting, or done.</summary>
    internal async Task CompleteAsync(OutboxMessage next, CancellationToken cancellationToken)
    {
        await _store.SaveAsync(next, cancellationToken);
        lock (_lock)
        {
            if (_queues.TryGetValue(next.AccountId, out var queue))
            {
                queue.Busy--;
                if (queue.Sending == next.Id)
                {
                    queue.Sending = null;
                }
            }

            _active.Remove(next.Id);
            if (next.Status == OutboxStatus.Pending && queue is not null)
            {
                AddWaiting(next);
            }
        }

        _events.Publish(new OutboxChanged(next.AccountId, next.Id, next.Status));
        Wake();
    }

    /// <summary>Returns a claimed message unchanged (its Sending state was never committed).</summary>
    internal void Unclaim(OutboxMessage claimed)
    {
        lock (_lock)
        {
            if (_queues.TryGetValue(claimed.AccountId, out var queue))
            {
                queue.Busy--;
                if (queue.Sending == claimed.Id)
                {
                    queue.Sending = null;
                }

                AddWaiting(claimed with { Status = OutboxStatus.Pending });
            }
            else
            {
                _active.Remove(claimed.Id);
            }
        }
    }

    /// <summary>Drops everything of a removed account from memory (its rows are deleted with it).</summary>
    internal void Forget(string accountId)
    {
        lock (_lock)
        {
            if (_queues.Remove(accountId, out var queue))
            {
                foreach (var id in queue.Waiting.Keys)
                {
                    _active.Remove(id);
                }
            }
        }
    }
}
