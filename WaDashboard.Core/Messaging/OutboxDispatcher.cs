using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// What the dispatcher has done since the process started. <see cref="HeldNotConnected"/>: claimed sends stopped by the
/// dispatcher's own check right before the engine call; <see cref="RefusedNotConnected"/>: sends the engine boundary
/// (guard or engine) refused as not connected. Both put the message back in the queue.
/// </summary>
public sealed record DispatcherStats(
    long Sent,
    long Retried,
    long Failed,
    long Unknown,
    long Expired,
    long HeldNotConnected,
    long RefusedNotConnected,
    int InFlight);

/// <summary>
/// The one loop that sends (no timer per account): on every tick, every new message and every finished send it
/// looks at the accounts with waiting messages, skips those that are not <c>Connected</c> (the first guard), asks the
/// pure <see cref="SendLimiter"/> which message may go out now, and hands it to the engine — at most one send in
/// flight per account and <c>MaxConcurrentSends</c> across the fleet. Each send is committed as Sending before the
/// engine is asked, and the account is checked again right before (still connected, same connection); behind that,
/// <see cref="EngineSendGuard"/> checks once more at the engine boundary.
/// </summary>
public sealed partial class OutboxDispatcher : BackgroundService
{
    private sealed class AccountDispatch
    {
        public SendHistory History { get; set; } = SendHistory.Empty;
        public DateTimeOffset? NextCheckAt { get; set; }
        public DateTimeOffset HintConnectedSince { get; set; }
        public long HintVersion { get; set; } = -1;
        public SendWait Waiting { get; set; } = SendWait.Nothing;
    }

    private static readonly TimeSpan ExpirySweepInterval = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly Dictionary<string, AccountDispatch> _accounts = new(StringComparer.Ordinal);
    /// <summary>Sends in flight by message id; each removes itself when done, and stopping awaits them all.</summary>
    private readonly Dictionary<long, Task> _sends = [];
    private readonly Outbox _outbox;
    private readonly Fleet _fleet;
    private readonly IWhatsAppEngine _engine;
    private readonly TimeProvider _time;
    private readonly MessagingOptions _options;
    private readonly RateLimits _limits;
    private readonly IOutboxStore _store;
    private readonly ILogger<OutboxDispatcher> _logger;
    private DateTimeOffset _nextExpirySweep = DateTimeOffset.MinValue;
    private long _lastPassTicks = DateTimeOffset.MinValue.UtcTicks;
    private long _passesStarted;
    private long _passesCompleted;
    private long _claims;
    private long _sent;
    private long _retried;
    private long _failed;
    private long _unknown;
    private long _expired;
    private long _heldNotConnected;
    private long _refusedNotConnected;

    public OutboxDispatcher(Outbox outbox, IOutboxStore store, Fleet fleet, IWhatsAppEngine engine, TimeProvider time, IOptions<MessagingOptions> options, ILogger<OutboxDispatcher> logger)
    {
        _outbox = outbox;
        _store = store;
        _fleet = fleet;
        _engine = engine;
        _time = time;
        _options = options.Value;
        _limits = RateLimits.From(_options);
        _logger = logger;
    }

    public DispatcherStats Stats
    {
        get
        {
            lock (_lock)
            {
                return new DispatcherStats(Interlocked.Read(ref _sent), Interlocked.Read(ref _retried), Interlocked.Read(ref _failed),
                    Interlocked.Read(ref _unknown), Interlocked.Read(ref _expired), Interlocked.Read(ref _heldNotConnected), Interlocked.Read(ref _refusedNotConnected), _sends.Count);
            }
        }
    }

    /// <summary>Sends in flight right now.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _sends.Count;
            }
        }
    }

    /// <summary>Passes begun and finished, and messages claimed, since start (lets tests wait for a quiet dispatcher).</summary>
    internal long PassesStarted => Interlocked.Read(ref _passesStarted);

    internal long PassesCompleted => Interlocked.Read(ref _passesCompleted);

    internal long Claims => Interlocked.Read(ref _claims);

    /// <summary>The clock time of the last completed pass over the accounts.</summary>
    public DateTimeOffset LastPassAt => new(Interlocked.Read(ref _lastPassTicks), TimeSpan.Zero);

    /// <summary>When the account's next message may go out and what it waits for, as of the last pass (null: nothing known).</summary>
    public (DateTimeOffset? NextCheckAt, SendWait Waiting)? WaitingFor(string accountId)
    {
        lock (_lock)
        {
            return _accounts.TryGetValue(accountId, out var a) ? (a.NextCheckAt, a.Waiting) : null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tickerStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var ticker = TickAsync(tickerStop.Token);
        try
        {
            await RememberRecentSendsAsync(stoppingToken);
            while (await _outbox.WaitForWorkAsync(stoppingToken))
            {
                try
                {
                    await PassAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogError(ex, "Dispatcher pass failed; trying again on the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await tickerStop.CancelAsync();
            await ticker;
            // Sends already handed to the engine finish (within the send timeout) and are committed.
            Task[] sends;
            lock (_lock)
            {
                sends = [.. _sends.Values];
            }

            await Task.WhenAll(sends);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(_options.DispatchTick, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                _outbox.Wake();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>After a restart the per-recipient limits still count the sends of the last window.</summary>
    private async Task RememberRecentSendsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var recent = await _store.RecentAttemptsAsync(now - _limits.PerRecipientWindow, cancellationToken);
        lock (_lock)
        {
            foreach (var attempt in recent.OrderBy(a => a.At))
            {
                var account = Account(attempt.AccountId);
                account.History = SendLimiter.Record(account.History, attempt.Recipient, attempt.At, _limits, Random.Shared.NextDouble());
            }
        }
    }

    private AccountDispatch Account(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
        {
            _accounts[accountId] = account = new AccountDispatch();
        }

        return account;
    }

    private async Task PassAsync()
    {
        Interlocked.Increment(ref _passesStarted);
        try
        {
            await PassOverAccountsAsync();
        }
        finally
        {
            Interlocked.Increment(ref _passesCompleted);
        }
    }

    private async Task PassOverAccountsAsync()
    {
        var now = _time.GetUtcNow();
        if (now >= _nextExpirySweep)
        {
            _nextExpirySweep = now + ExpirySweepInterval;
            await ExpireAsync(now);
        }

        foreach (var (accountId, version) in _outbox.AccountsReadyToClaim())
        {
            if (InFlight >= _options.MaxConcurrentSends)
            {
                break;
            }

            if (_fleet.Get(accountId) is not { } state)
            {
                _outbox.Forget(accountId);
                continue;
            }

            if (!state.HasLiveConnection)
            {
                continue; // the first guard: messages of an account that is not connected (in this run) stay in the outbox
            }

            var connectedSince = state.StatusSince;
            AccountDispatch account;
            SendHistory history;
            lock (_lock)
            {
                account = Account(accountId);
                if (account.NextCheckAt > now && account.HintVersion == version && account.HintConnectedSince == connectedSince)
                {
                    continue;
                }

                history = account.History;
            }

            SendDecision? decision = null;
            var claimed = _outbox.TryClaim(accountId, waiting =>
            {
                decision = SendLimiter.Decide(history, connectedSince, waiting.Select(m => new SendCandidate(m.Id, m.To.Value, m.DueAt)), now, _limits);
                return decision.MessageId;
            }, now);

            lock (_lock)
            {
                account.NextCheckAt = claimed is null ? decision?.NextCheckAt : null;
                account.Waiting = claimed is null ? decision?.Wait ?? SendWait.Nothing : SendWait.None;
                account.HintVersion = version;
                account.HintConnectedSince = connectedSince;
                if (claimed is not null)
                {
                    Interlocked.Increment(ref _claims);
                    _sends[claimed.Id] = TrackedSendAsync(claimed, connectedSince);
                }
            }
        }

        Interlocked.Exchange(ref _lastPassTicks, now.UtcTicks);
    }

    private async Task ExpireAsync(DateTimeOffset now)
    {
        foreach (var message in _outbox.ClaimExpired(now, _options.ExpireAfter))
        {
            await _outbox.CompleteAsync(SendOutcomes.Expire(message, now, _options.ExpireAfter), CancellationToken.None);
            Interlocked.Increment(ref _expired);
            _logger.LogWarning("Message {MessageId} of {AccountId} expired unsent (due {DueAt:u})", message.Id, message.AccountId, message.NotBefore ?? message.CreatedAt);
        }
    }
}
