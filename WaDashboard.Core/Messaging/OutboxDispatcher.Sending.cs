using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>One send: tracked so stopping awaits it, committed before and after the engine sees it.</summary>
public sealed partial class OutboxDispatcher
{
    private async Task TrackedSendAsync(OutboxMessage sending, DateTimeOffset connectedSince)
    {
        await Task.Yield(); // the pass registers this task (under the lock) before it runs
        try
        {
            await SendAsync(sending, connectedSince);
        }
        finally
        {
            lock (_lock)
            {
                _sends.Remove(sending.Id);
            }

            _outbox.Wake();
        }
    }

    /// <summary>One message: committed as Sending, checked again, handed to the engine, its outcome committed. Never throws.</summary>
    private async Task SendAsync(OutboxMessage sending, DateTimeOffset connectedSince)
    {
        var accountId = sending.AccountId;
        try
        {
            await _store.SaveAsync(sending, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Could not mark message {MessageId} of {AccountId} as Sending; it stays queued", sending.Id, accountId);
            _outbox.Unclaim(sending);
            return;
        }

        try
        {
            if (_fleet.Get(accountId) is not { HasLiveConnection: true } now || now.StatusSince != connectedSince)
            {
                var connected = _fleet.Get(accountId)?.HasLiveConnection == true;
                if (!connected)
                {
                    Interlocked.Increment(ref _heldNotConnected);
                    _logger.LogWarning("Send of message {MessageId} held for {AccountId}: the account stopped being connected just before sending", sending.Id, accountId);
                }

                await _outbox.CompleteAsync(sending with
                {
                    Status = OutboxStatus.Pending,
                    UpdatedAt = _time.GetUtcNow(),
                    Error = connected ? null : SendOutcomes.HeldNote,
                }, CancellationToken.None);
                return;
            }

            SendAttempt attempt;
            try
            {
                using var timeout = new CancellationTokenSource(_options.SendTimeout, _time);
                var result = await _engine.SendTextAsync(accountId, sending.To.Digits, sending.Text, timeout.Token).WaitAsync(_options.SendTimeout, _time);
                attempt = new SendAttempt(result, null);
            }
            catch (Exception ex)
            {
                attempt = new SendAttempt(null, ex);
            }

            var done = _time.GetUtcNow();
            var outcome = SendOutcomes.Apply(sending, attempt, done, _options, Random.Shared.NextDouble());
            if (outcome.ReachedEngine)
            {
                lock (_lock)
                {
                    var account = Account(accountId);
                    account.History = SendLimiter.Record(account.History, sending.To.Value, done, _limits, Random.Shared.NextDouble());
                    account.NextCheckAt = null;
                }
            }

            await _outbox.CompleteAsync(outcome.Message, CancellationToken.None);
            Count(outcome.Message, attempt);
        }
        catch (Exception ex)
        {
            // The outcome could not be committed. The message stays claimed (its account sends nothing more) and is
            // still Sending in the database, so a restart turns it Unknown: it is never sent twice.
            _logger.LogError(ex, "Could not commit the outcome of message {MessageId} of {AccountId}", sending.Id, accountId);
        }
    }

    private void Count(OutboxMessage message, SendAttempt attempt)
    {
        var to = message.To.Masked;
        switch (message.Status)
        {
            case OutboxStatus.Sent:
                Interlocked.Increment(ref _sent);
                _logger.LogInformation("Message {MessageId} sent for {AccountId} to {To} as {EngineMessageId} (attempt {Attempt})",
                    message.Id, message.AccountId, to, message.EngineMessageId, message.Attempts);
                break;
            case OutboxStatus.Pending when attempt.Result is { NotConnected: true }:
                Interlocked.Increment(ref _refusedNotConnected);
                _logger.LogWarning("Message {MessageId} of {AccountId} refused as not connected; it stays queued", message.Id, message.AccountId);
                break;
            case OutboxStatus.Pending:
                Interlocked.Increment(ref _retried);
                _logger.LogWarning("Message {MessageId} of {AccountId} to {To} refused (attempt {Attempt}): {Error}; retry at {NextAttemptAt:u}",
                    message.Id, message.AccountId, to, message.Attempts, message.Error, message.NextAttemptAt);
                break;
            case OutboxStatus.Failed:
                Interlocked.Increment(ref _failed);
                _logger.LogWarning("Message {MessageId} of {AccountId} to {To} failed: {Error}", message.Id, message.AccountId, to, message.Error);
                break;
            case OutboxStatus.Unknown:
                Interlocked.Increment(ref _unknown);
                _logger.LogWarning(attempt.Failure, "Message {MessageId} of {AccountId} to {To}: outcome unknown, waiting for a person", message.Id, message.AccountId, to);
                break;
        }
    }
}
