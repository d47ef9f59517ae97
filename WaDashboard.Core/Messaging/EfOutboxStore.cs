using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Core.Messaging;

/// <summary>
/// EF Core outbox store. Status changes from every send go through one bounded queue and are committed in batches (one
/// transaction for many messages, like the account store); each caller's task completes when its change is committed,
/// so a message is durably Sending before the engine is asked to send it.
/// </summary>
public sealed class EfOutboxStore : BackgroundService, IOutboxStore
{

    private static readonly string SendingStatus = OutboxStatus.Sending.ToString();
    private static readonly string PendingStatus = OutboxStatus.Pending.ToString();
    private static readonly string UnknownStatus = OutboxStatus.Unknown.ToString();

    private readonly IDbContextFactory<WaDashboardDbContext> _contexts;
    private readonly BatchedWriter<OutboxMessage> _writer;
    private readonly DatabaseHealth? _health;

    public EfOutboxStore(IDbContextFactory<WaDashboardDbContext> contexts, IOptions<PersistenceOptions> options, ILogger<EfOutboxStore> logger, DatabaseHealth? health = null)
    {
        _contexts = contexts;
        _health = health;
        _writer = new BatchedWriter<OutboxMessage>(options.Value.MaxBatch, CommitAsync, logger, "outbox changes", health);
    }

    public async Task<OutboxMessage> InsertAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        _health?.EnsureWritable();
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var record = message.ToRecord();
        record.Id = 0;
        db.Set<OutboxMessageRecord>().Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.Classify(ex) == ConstraintViolation.Unique)
        {
            throw new DuplicateIdempotencyKeyException();
        }
        catch (DbUpdateException ex) when (DatabaseErrors.Classify(ex) == ConstraintViolation.ForeignKey)
        {
            throw new MessageValidationException("account", "The account was removed; nothing was queued.");
        }

        return record.ToMessage();
    }

    public async Task<OutboxMessage?> FindByKeyAsync(string accountId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Set<OutboxMessageRecord>().AsNoTracking()
            .FirstOrDefaultAsync(m => m.AccountId == accountId && m.IdempotencyKey == idempotencyKey, cancellationToken);
        return record?.ToMessage();
    }

    public async Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Set<OutboxMessageRecord>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        return record?.ToMessage();
    }

    public async Task<OutboxMessage?> FindByEngineIdAsync(string accountId, string engineMessageId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Set<OutboxMessageRecord>().AsNoTracking()
            .Where(m => m.AccountId == accountId && m.EngineMessageId == engineMessageId)
            .OrderByDescending(m => m.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return record?.ToMessage();
    }

    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxQuery query, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<OutboxMessageRecord>().AsNoTracking();
        if (query.AccountId is { } accountId)
        {
            rows = rows.Where(m => m.AccountId == accountId);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select(s => s.ToString()).ToList();
            rows = rows.Where(m => names.Contains(m.Status));
        }

        if (query.BeforeId is { } before)
        {
            rows = rows.Where(m => m.Id < before);
        }

        var records = await rows.OrderByDescending(m => m.Id).Take(Math.Clamp(query.Take, 1, 10_000)).ToListAsync(cancellationToken);
        return records.Select(r => r.ToMessage()).ToList();
    }

    public async Task<IReadOnlyDictionary<OutboxStatus, int>> CountByStatusAsync(string? accountId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<OutboxMessageRecord>().AsNoTracking();
        if (accountId is not null)
        {
            rows = rows.Where(m => m.AccountId == accountId);
        }

        var counts = await rows.GroupBy(m => m.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var result = Enum.GetValues<OutboxStatus>().ToDictionary(s => s, _ => 0);
        foreach (var row in counts)
        {
            var status = Enum.TryParse<OutboxStatus>(row.Status, out var known) ? known : OutboxStatus.Unknown;
            result[status] += row.Count;
        }

        return result;
    }

    public async Task<IReadOnlyList<OutboxMessage>> LoadPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Set<OutboxMessageRecord>().AsNoTracking().Where(m => m.Status == PendingStatus).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return records.Select(r => r.ToMessage()).ToList();
    }

    public async Task<int> MarkInterruptedAsUnknownAsync(DateTimeOffset now, string error, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<OutboxMessageRecord>().Where(m => m.Status == SendingStatus).ExecuteUpdateAsync(set => set
            .SetProperty(m => m.Status, UnknownStatus)
            .SetProperty(m => m.UpdatedAt, now)
            .SetProperty(m => m.NextAttemptAt, (DateTimeOffset?)null)
            .SetProperty(m => m.Error, error), cancellationToken);
    }

    public async Task<IReadOnlyList<RecentAttempt>> RecentAttemptsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<OutboxMessageRecord>().AsNoTracking()
            .Where(m => m.LastAttemptAt != null && m.LastAttemptAt >= since)
            .Select(m => new { m.AccountId, m.Recipient, m.LastAttemptAt })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new RecentAttempt(r.AccountId, r.Recipient, r.LastAttemptAt!.Value)).ToList();
    }

    public Task SaveAsync(OutboxMessage message, CancellationToken cancellationToken) => _writer.WriteAsync(message, cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _writer.RunAsync(stoppingToken);

    private async Task CommitAsync(IReadOnlyList<OutboxMessage> batch)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        var ids = batch.Select(m => m.Id).Distinct().ToList();
        var existing = (await db.Set<OutboxMessageRecord>().Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToListAsync()).ToHashSet();
        var latest = new Dictionary<long, OutboxMessage>();
        foreach (var message in batch)
        {
            if (existing.Contains(message.Id))
            {
                latest[message.Id] = message; // later changes of one message win; the account may have been removed meanwhile
            }
        }

        foreach (var message in latest.Values)
        {
            db.Set<OutboxMessageRecord>().Update(message.ToRecord());
        }

        await db.SaveChangesAsync();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _writer.Complete();
        await base.StopAsync(cancellationToken);
    }
}
