namespace WaDashboard.Core.Messaging;

/// <summary>What the outbox page and the API can ask for.</summary>
public sealed record OutboxQuery(string? AccountId = null, IReadOnlyCollection<OutboxStatus>? Statuses = null, int Take = 200, long? BeforeId = null);

/// <summary>A send that still counts for the per-recipient limit after a restart.</summary>
public sealed record RecentAttempt(string AccountId, string Recipient, DateTimeOffset At);

/// <summary>Where the outbox lives. Only Core's messaging services use it.</summary>
public interface IOutboxStore
{
    /// <summary>Inserts a new message and returns it with its id. Throws <see cref="DuplicateIdempotencyKeyException"/> when the key is taken.</summary>
    Task<OutboxMessage> InsertAsync(OutboxMessage message, CancellationToken cancellationToken);

    Task<OutboxMessage?> FindByKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken);

    Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>The message an engine sent with this id, for its delivery receipts; null when none.</summary>
    Task<OutboxMessage?> FindByEngineIdAsync(string accountId, string engineMessageId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<OutboxStatus, int>> CountByStatusAsync(string? accountId, CancellationToken cancellationToken);

    /// <summary>Every message still to be sent, oldest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> LoadPendingAsync(CancellationToken cancellationToken);

    /// <summary>At start: every message left in Sending by a process that died becomes Unknown. Returns how many.</summary>
    Task<int> MarkInterruptedAsUnknownAsync(DateTimeOffset now, string error, CancellationToken cancellationToken);

    /// <summary>Sends handed to the engine since <paramref name="since"/> (to rebuild the per-recipient limits after a restart).</summary>
    Task<IReadOnlyList<RecentAttempt>> RecentAttemptsAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Saves a changed message; completes when committed. Changes from all senders are committed in batches.</summary>
    Task SaveAsync(OutboxMessage message, CancellationToken cancellationToken);
}

public sealed class DuplicateIdempotencyKeyException() : Exception("The idempotency key is already used for this account.");
