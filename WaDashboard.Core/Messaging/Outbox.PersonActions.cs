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
        PersonActionAsync(id, "Send.Action.Cancel", [OutboxStatus.Failed, OutboxStatus.Unknown], m => m with
        {
            Status = OutboxStatus.Cancelled,
            NextAttemptAt = null,
            Error = OutboxNotes.Say(m.Status == OutboxStatus.Unknown ? "Send.CancelledUnknown" : "Send.Cancelled"),
        }, OutboxNotes.Say("Send.Done.Cancelled"), cancellationToken, allowWaiting: true);

    /// <summary>Puts a failed message back in the queue with a fresh attempt budget.</summary>
    public Task<OutboxActionResult> RetryAsync(long id, CancellationToken cancellationToken) =>
        PersonActionAsync(id, "Send.Action.Retry", [OutboxStatus.Failed], m => m with
        {
            Status = OutboxStatus.Pending,
            Attempts = 0,
            NextAttemptAt = null,
            Error = SendOutcomes.Clip(OutboxNotes.Say("Send.Retried", m.Error)),
        }, OutboxNotes.Say("Send.Done.Queued"), cancellationToken);

    /// <summary>A person's decision on a message whose fate is unknown.</summary>
    public Task<OutboxActionResult> ResolveUnknownAsync(long id, UnknownResolution resolution, CancellationToken cancellationToken) =>
        resolution == UnknownResolution.MarkSent
            ? PersonActionAsync(id, "Send.Action.MarkSent", [OutboxStatus.Unknown], m => m with
            {
                Status = OutboxStatus.Sent,
                SentAt = m.LastAttemptAt ?? m.UpdatedAt,
                Error = OutboxNotes.Say("Send.MarkedSent"),
            }, OutboxNotes.Say("Send.Done.MarkedSent"), cancellationToken)
            : PersonActionAsync(id, "Send.Action.SendAgain", [OutboxStatus.Unknown], m => m with
            {
                Status = OutboxStatus.Pending,
                NextAttemptAt = null,
                Error = OutboxNotes.Say("Send.SendingAgain"),
            }, OutboxNotes.Say("Send.Done.Queued"), cancellationToken);

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
                            OutboxNotes.Say("Send.Refused.Waiting", id, OutboxNotes.Say(action)), active);
                    }
                    else
                    {
                        return new OutboxActionResult(OutboxActionOutcome.Refused, OutboxNotes.Say("Send.Refused.Sending", id), active);
                    }
                }
            }

            var current = taken ?? await _store.GetAsync(id, cancellationToken);
            if (current is null)
            {
                return new OutboxActionResult(OutboxActionOutcome.NotFound, OutboxNotes.Say("Send.NotFound", id));
            }

            if (taken is null && !allowed.Contains(current.Status))
            {
                return new OutboxActionResult(OutboxActionOutcome.Refused, OutboxNotes.Say("Send.Refused.Status", id, OutboxNotes.Say($"Send.Status.{current.Status}"), OutboxNotes.Say(action), current.Status switch
                {
                    OutboxStatus.Sent => OutboxNotes.Say("Send.Why.Sent"),
                    OutboxStatus.Cancelled => OutboxNotes.Say("Send.Why.Cancelled"),
                    OutboxStatus.Pending or OutboxStatus.Sending => OutboxNotes.Say("Send.Why.OnItsWay"),
                    _ => "",
                }), current);
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

            _logger.LogInformation("Message {MessageId} of {AccountId}: a person chose to {Action}; now {Status}", id, next.AccountId, OutboxNotes.Say(action), next.Status);
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
