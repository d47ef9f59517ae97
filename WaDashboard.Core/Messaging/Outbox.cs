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
public sealed partial class Outbox : IHostedService
{
    public const int MaxKeyLength = OutboxModel.KeyMaxLength;
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(366);

    public static readonly string InterruptedError = OutboxNotes.Say("Send.Interrupted");

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
}
