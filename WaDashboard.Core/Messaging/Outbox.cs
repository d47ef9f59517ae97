using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// The one way to send: every message goes into this persisted outbox first. It is the authority over the messages
/// still to be sent (kept in memory per account, in order, after being committed), hands them to the dispatcher one
/// at a time per account, and carries out a person's decisions (cancel, retry, resolve an unknown outcome).
/// A message is either waiting here or claimed by the dispatcher, never both, so a cancel cannot race a send.
/// </summary>
public sealed class Outbox : IHostedService
{
    public const int MaxKeyLength = OutboxModel.KeyMaxLength;
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(366);

    public const string InterruptedError =
        "The dashboard stopped while this message was being sent, so it may or may not have been delivered. " +
        "Check the recipient's phone, then mark it sent or send it again.";

    private sealed class AccountQueue
    {
        /// <summary>Waiting messages in id (arrival) order.</summary>
        public SortedDictionary<long, OutboxMessage> Waiting { get; } = new();

        /// <summary>The message the dispatcher is sending for this account, if any.</summary>
        public long? Sending { get; set; }

        /// <summary>Claimed messages (sending, or being expired or cancelled).</summary>
        public int Busy { get; set; }

        /// <summary>Bumped whenever a message becomes waiting, so the dispatcher knows to look again.</summary>
        public long Version { get; set; }
    }

    private readonly object _lock = new();
    private readonly Dictionary<string, AccountQueue> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<long, OutboxMessage> _active = new();
    private readonly SemaphoreSlim _personActions = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly IOutboxStore _store;
    private readonly Fleet _fleet;
    private readonly FleetEvents _events;
    private readonly TimeProvider _time;
    private readonly MessagingOptions _options;
    private readonly ILogger<Outbox> _logger;
    private IDisposable? _subscription;

    public Outbox(IOutboxStore store, Fleet fleet, FleetEvents events, TimeProvider time, IOptions<MessagingOptions> options, ILogger<Outbox> logger)
    {
        _store = store;
        _fleet = fleet;
        _events = events;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    public MessagingOptions Options => _options;

    /// <summary>Messages still to be sent for the account (waiting and being sent).</summary>
    public int QueueDepth(string accountId)
    {
        lock (_lock)
        {
            return _queues.TryGetValue(accountId, out var q) ? q.Waiting.Count + q.Busy : 0;
        }
    }

    /// <summary>Queue depth of every account that has messages still to be sent.</summary>
    public IReadOnlyDictionary<string, int> QueueDepths
    {
        get
        {
            lock (_lock)
            {
                return _queues.Where(q => q.Value.Waiting.Count + q.Value.Busy > 0)
                    .ToDictionary(q => q.Key, q => q.Value.Waiting.Count + q.Value.Busy, StringComparer.Ordinal);
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var interrupted = await _store.MarkInterruptedAsUnknownAsync(now, InterruptedError, cancellationToken);
        if (interrupted > 0)
        {
            _logger.LogWarning("{Count} messages were being sent when the dashboard stopped; they are Unknown and wait for a person's decision", interrupted);
        }

        var pending = await _store.LoadPendingAsync(cancellationToken);
        lock (_lock)
        {
            foreach (var message in pending)
            {
                AddWaiting(message);
            }
        }

        _subscription = _events.Subscribe(e =>
        {
            if (e is AccountRemoved removed)
            {
                Forget(removed.AccountId);
            }
        });
        _logger.LogInformation("Outbox ready: {Pending} messages to send", pending.Count);
        Wake();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _wake.Writer.TryComplete();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Validates and queues a message. With an idempotency key, a repeat with the same content returns the existing
    /// message (<see cref="EnqueueResult.Replayed"/>); with different content it throws <see cref="IdempotencyConflictException"/>.
    /// Invalid input throws <see cref="MessageValidationException"/> naming the field. Returns once the message is committed.
    /// </summary>
    public async Task<EnqueueResult> EnqueueAsync(OutboxRequest request, CancellationToken cancellationToken)
    {
        var account = _fleet.Get(request.AccountId)
                      ?? throw new MessageValidationException("account", "No account has this id; it may have been removed. List accounts with GET /api/accounts.");
        var (to, text, key) = Validate(request);
        var notBefore = request.NotBefore?.ToUniversalTime();

        if (key is not null && await _store.FindByKeyAsync(account.Id, key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, to, text, notBefore, key);
        }

        var now = _time.GetUtcNow();
        OutboxMessage message;
        try
        {
            message = await _store.InsertAsync(new OutboxMessage
            {
                AccountId = account.Id,
                To = to,
                Text = text,
                NotBefore = notBefore,
                IdempotencyKey = key,
                CreatedAt = now,
                UpdatedAt = now,
            }, cancellationToken);
        }
        catch (DuplicateIdempotencyKeyException) when (key is not null)
        {
            // The same key arrived twice at once; the other request won.
            var winner = await _store.FindByKeyAsync(account.Id, key, cancellationToken)
                         ?? throw new MessageValidationException("account", "The account was removed; nothing was queued.");
            return Replay(winner, to, text, notBefore, key);
        }

        lock (_lock)
        {
            if (_fleet.Get(account.Id) is not null)
            {
                AddWaiting(message);
            }
        }

        _logger.LogInformation("Message {MessageId} queued for {AccountId} to {To}{Schedule}", message.Id, account.Id, to.Masked,
            notBefore is { } at ? $", not before {at:u}" : "");
        _events.Publish(new OutboxChanged(account.Id, message.Id, message.Status));
        Wake();
        return new EnqueueResult(message, Replayed: false);
    }

    private static EnqueueResult Replay(OutboxMessage existing, PhoneNumber to, string text, DateTimeOffset? notBefore, string key) =>
        existing.HasSameContent(to, text, notBefore)
            ? new EnqueueResult(existing, Replayed: true)
            : throw new IdempotencyConflictException(existing, key);

    private (PhoneNumber To, string Text, string? Key) Validate(OutboxRequest request)
    {
        if (!PhoneNumber.TryParse(request.To, out var to, out var phoneError))
        {
            throw new MessageValidationException("to", "The recipient is not a valid number. " + phoneError);
        }

        var text = request.Text ?? "";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new MessageValidationException("text", "The message text is empty. Write the text to send.");
        }

        if (text.Length > _options.MaxTextLength)
        {
            throw new MessageValidationException("text", $"The message is {text.Length} characters long; at most {_options.MaxTextLength} are allowed. Shorten it or split it into several messages.");
        }

        if (request.NotBefore is { } notBefore && notBefore - _time.GetUtcNow() > MaxScheduleAhead)
        {
            throw new MessageValidationException("notBefore", $"notBefore is more than {MaxScheduleAhead.TotalDays:0} days ahead. Schedule messages at most a year in advance.");
        }

        var key = request.IdempotencyKey;
        if (key is not null)
        {
            if (key.Length == 0 || key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7E))
            {
                throw new MessageValidationException("idempotencyKey",
                    $"The Idempotency-Key must be 1 to {MaxKeyLength} visible ASCII characters without spaces, e.g. a UUID or \"reminder-4711\".");
            }
        }

        return (to, text, key);
    }

    public Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken) => _store.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxQuery query, CancellationToken cancellationToken) => _store.ListAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<OutboxStatus, int>> CountByStatusAsync(string? accountId, CancellationToken cancellationToken) =>
        _store.CountByStatusAsync(accountId, cancellationToken);

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

    // ---- The dispatcher's side ----

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
