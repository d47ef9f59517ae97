using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>A person's decisions on a message: cancel, retry, resolve an unknown outcome; one at a time.</summary>
public sealed partial class Outbox
{
    /// <summary>Cancels a message that has not gone out: waiting, failed or unknown.</summary>
    public Task<OutboxActionResult> CancelAsync(long id, CancellationToken cancellationToken) =>
        PersonActionAsync(id, "cancel", [OutboxStatus.Failed, OutboxStatus.Unknown], m => m with
        {
            Status = OutboxStatus.Cancelled,
            NextAttemptAt = null,
            Error = "Cancelled by a person." + (m.Status == OutboxStatus.Unknown ? " Whether the earlier attempt was delivered is unknown." : ""),
        }, "Cancelled; it will not be sent.", cancellationToken, allowWaiting: true);

    /// <summary>Puts a failed message back in the queue with a fresh attempt budget.</summary>
    public Task<OutboxActionResult> RetryAsync(long id, CancellationToken cancellationToken) =>
        PersonActionAsync(id, "retry", [OutboxStatus.Failed], m => m with
        {
            Status = OutboxStatus.Pending,
            Attempts = 0,
            NextAttemptAt = null,
            Error = SendOutcomes.Clip("Retried by a person. Before: " + m.Error),
        }, "Queued again; it goes out when the account is connected and the rate limit allows.", cancellationToken);

    /// <summary>A person's decision on a message whose fate is unknown.</summary>
    public Task<OutboxActionResult> ResolveUnknownAsync(long id, UnknownResolution resolution, CancellationToken cancellationToken) =>
        resolution == UnknownResolution.MarkSent
            ? PersonActionAsync(id, "mark as sent", [OutboxStatus.Unknown], m => m with
            {
                Status = OutboxStatus.Sent,
                SentAt = m.LastAttemptAt ?? m.UpdatedAt,
                Error = "Marked sent by a person (it arrived).",
            }, "Marked as sent; it will not be sent again.", cancellationToken)
            : PersonActionAsync(id, "send again", [OutboxStatus.Unknown], m => m with
            {
                Status = OutboxStatus.Pending,
                NextAttemptAt = null,
                Error = "Sending again: a person found it did not arrive.",
            }, "Queued again; it goes out when the account is connected and the rate limit allows.", cancellationToken);

    private async Task<OutboxActionResult> PersonActionAsync(
        long id, string action, OutboxStatus[] allowed, Func<OutboxMessage, OutboxMessage> change, string doneMessage,
        CancellationToken cancellationToken, bool allowWaiting = false)
    {
        await _personActions.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            OutboxMessage? taken = null;
            lock (_lock)
            {
                if (_active.TryGetValue(id, out var active))
                {
                    _queues.TryGetValue(active.AccountId, out var queue);
                    if (allowWaiting && queue is not null && queue.Waiting.Remove(id))
                    {
                        queue.Busy++;
                        taken = active;
                    }
                    else if (queue is not null && queue.Waiting.ContainsKey(id))
                    {
                        return new OutboxActionResult(OutboxActionOutcome.Refused,
                            $"Message {id} is already waiting to be sent; you cannot {action} it.", active);
                    }
                    else
                    {
                        return new OutboxActionResult(OutboxActionOutcome.Refused, $"Message {id} is being sent right now; look again in a moment.", active);
                    }
                }
            }

            var current = taken ?? await _store.GetAsync(id, cancellationToken);
            if (current is null)
            {
                return new OutboxActionResult(OutboxActionOutcome.NotFound, $"No message has the id {id}.");
            }

            if (taken is null && !allowed.Contains(current.Status))
            {
                return new OutboxActionResult(OutboxActionOutcome.Refused, $"Message {id} is {current.Status}; you cannot {action} it. " + current.Status switch
                {
                    OutboxStatus.Sent => "It was already sent.",
                    OutboxStatus.Cancelled => "It was cancelled.",
                    OutboxStatus.Pending or OutboxStatus.Sending => "It is on its way; look again in a moment.",
                    _ => "",
                }, current);
            }

            var next = change(current) with { UpdatedAt = now };
            try
            {
                await _store.SaveAsync(next, cancellationToken);
            }
            catch
            {
                if (taken is not null)
                {
                    lock (_lock)
                    {
                        _queues[taken.AccountId].Busy--;
                        AddWaiting(taken);
                    }
                }

                throw;
            }

            lock (_lock)
            {
                if (taken is not null)
                {
                    _queues[taken.AccountId].Busy--;
                    _active.Remove(id);
                }

                if (next.Status == OutboxStatus.Pending && _fleet.Get(next.AccountId) is not null)
                {
                    AddWaiting(next);
                }
            }

            _logger.LogInformation("Message {MessageId} of {AccountId}: a person chose to {Action}; now {Status}", id, next.AccountId, action, next.Status);
            _events.Publish(new OutboxChanged(next.AccountId, id, next.Status));
            Wake();
            return new OutboxActionResult(OutboxActionOutcome.Done, doneMessage, next);
        }
        finally
        {
            _personActions.Release();
        }
    }

    private void AddWaiting(OutboxMessage message)
    {
        if (!_queues.TryGetValue(message.AccountId, out var queue))
        {
            _queues[message.AccountId] = queue = new AccountQueue();
        }

        queue.Waiting[message.Id] = message;
        queue.Version++;
        _active[message.Id] = message;
    }
}
