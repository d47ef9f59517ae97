using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// EF Core store. State changes from all supervisors go through one bounded queue and are committed in
/// batches (one transaction for many accounts); each caller's task completes when its change is committed.
/// </summary>
public sealed class EfAccountStore : BackgroundService, IAccountStore
{
    private sealed record PendingWrite(AccountState State, TimelineEntry? Entry);

    private readonly IDbContextFactory<WaDashboardDbContext> _contexts;
    private readonly BatchedWriter<PendingWrite> _writer;
    private readonly DatabaseHealth? _health;

    public EfAccountStore(IDbContextFactory<WaDashboardDbContext> contexts, IOptions<PersistenceOptions> options, ILogger<EfAccountStore> logger, DatabaseHealth? health = null)
    {
        _contexts = contexts;
        _health = health;
        _writer = new BatchedWriter<PendingWrite>(options.Value.MaxBatch, CommitAsync, logger, "account changes", health);
    }

    public async Task<IReadOnlyList<AccountState>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Accounts.AsNoTracking().OrderBy(a => a.CreatedAt).ToListAsync(cancellationToken);
        return records.Select(r => r.ToState()).ToList();
    }

    public async Task AddAsync(AccountState account, TimelineEntry created, CancellationToken cancellationToken)
    {
        _health?.EnsureWritable();
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        db.Accounts.Add(account.ToRecord());
        db.Timeline.Add(created.ToRecord(account.Id));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseErrors.Classify(ex) == ConstraintViolation.Unique)
        {
            throw new DuplicatePhoneException(account.Phone.Value);
        }
    }

    public async Task DeleteAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await db.Timeline.Where(e => e.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);
        foreach (var owned in db.Model.GetEntityTypes().Select(e => e.ClrType).Where(t => t.IsAssignableTo(typeof(IAccountOwnedRecord))))
        {
            await (Task)DeleteOwnedMethod.MakeGenericMethod(owned).Invoke(null, [db, accountId, cancellationToken])!;
        }

        await db.Accounts.Where(a => a.Id == accountId).ExecuteDeleteAsync(cancellationToken);
    }

    private static readonly System.Reflection.MethodInfo DeleteOwnedMethod =
        typeof(EfAccountStore).GetMethod(nameof(DeleteOwnedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    /// <summary>The rows a feature keeps for the account (its outbox messages, say) go with it.</summary>
    private static Task<int> DeleteOwnedAsync<T>(WaDashboardDbContext db, string accountId, CancellationToken cancellationToken)
        where T : class, IAccountOwnedRecord =>
        db.Set<T>().Where(r => r.AccountId == accountId).ExecuteDeleteAsync(cancellationToken);

    public Task SaveAsync(AccountState state, TimelineEntry? entry, CancellationToken cancellationToken) =>
        _writer.WriteAsync(new PendingWrite(state, entry), cancellationToken);

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string accountId, int take, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Timeline.AsNoTracking()
            .Where(e => e.AccountId == accountId)
            .OrderByDescending(e => e.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
        return records.Select(r => r.ToEntry()).ToList();
    }

    public async Task<IReadOnlyList<(string AccountId, TimelineEntry Entry)>> GetTimelineSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var records = await db.Timeline.AsNoTracking().Where(e => e.At >= since).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        return records.Select(r => (r.AccountId, r.ToEntry())).ToList();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _writer.RunAsync(stoppingToken);

    /// <summary>
    /// One transaction for the whole batch: each account's latest state is written once, then the timeline entries in
    /// the order they happened. A change for an account deleted meanwhile is dropped (its update finds no row).
    /// Plain prepared statements built from the model, so a batch of hundreds costs little more than the rows themselves.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        var latest = new Dictionary<string, AccountState>(StringComparer.Ordinal);
        foreach (var item in batch)
        {
            latest[item.State.Id] = item.State;
        }

        await using var db = await _contexts.CreateDbContextAsync();
        // The server providers retry transient failures; a transaction of our own must then be retried as a whole.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var dbTransaction = transaction.GetDbTransaction();
            var existing = new HashSet<string>(StringComparer.Ordinal);
            using (var update = RowStatements<AccountRecord>.Update(db, dbTransaction))
            {
                var states = latest.Values.ToList();
                var affected = await update.ExecuteAllAsync(states.ConvertAll(state => state.ToRecord()), CancellationToken.None);
                for (var i = 0; i < states.Count; i++)
                {
                    if (affected[i] > 0)
                    {
                        existing.Add(states[i].Id);
                    }
                }
            }

            var entries = batch.Where(item => item.Entry is not null && existing.Contains(item.State.Id)).Select(item => item.Entry!.ToRecord(item.State.Id)).ToList();
            if (entries.Count > 0)
            {
                using var insert = RowStatements<TimelineEntryRecord>.Insert(db, dbTransaction);
                await insert.ExecuteAllAsync(entries, CancellationToken.None);
            }

            await transaction.CommitAsync();
        });
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _writer.Complete();
        await base.StopAsync(cancellationToken);
    }
}
