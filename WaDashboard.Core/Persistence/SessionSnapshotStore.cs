using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace WaDashboard.Core.Persistence;

/// <summary>One session folder's size and key files per type at one time.</summary>
public sealed record SessionSnapshot(string AccountId, int Generation, DateTimeOffset At, long SizeBytes, int FileCount, IReadOnlyDictionary<string, int> KeyFileCounts);

/// <summary>Snapshots of session folders, so that key-file growth can be measured between two of them.</summary>
public sealed class SessionSnapshotStore(IDbContextFactory<WaDashboardDbContext> contexts)
{
    private const int MaxCountsLength = 2000;

    public async Task RecordAsync(IReadOnlyCollection<SessionSnapshot> snapshots, CancellationToken cancellationToken)
    {
        if (snapshots.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var snapshot in snapshots)
        {
            var counts = JsonSerializer.Serialize(snapshot.KeyFileCounts);
            db.SessionSnapshots.Add(new SessionSnapshotRecord
            {
                AccountId = snapshot.AccountId,
                Generation = snapshot.Generation,
                At = snapshot.At,
                SizeBytes = snapshot.SizeBytes,
                FileCount = snapshot.FileCount,
                KeyFileCounts = counts.Length <= MaxCountsLength ? counts : "{}",
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The oldest snapshot of this account's generation: growth is measured from it.</summary>
    public async Task<SessionSnapshot?> BaselineAsync(string accountId, int generation, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.SessionSnapshots.AsNoTracking()
            .Where(s => s.AccountId == accountId && s.Generation == generation)
            .OrderBy(s => s.At)
            .FirstOrDefaultAsync(cancellationToken);
        return record is null ? null : ToSnapshot(record);
    }

    /// <summary>The oldest snapshot of each account's generation, for a whole fleet at once.</summary>
    public async Task<IReadOnlyDictionary<(string AccountId, int Generation), SessionSnapshot>> BaselinesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var oldest = await db.SessionSnapshots.AsNoTracking()
            .GroupBy(s => new { s.AccountId, s.Generation })
            .Select(g => g.Min(s => s.Id))
            .ToListAsync(cancellationToken);
        var records = await db.SessionSnapshots.AsNoTracking().Where(s => oldest.Contains(s.Id)).ToListAsync(cancellationToken);
        return records.Select(ToSnapshot).ToDictionary(s => (s.AccountId, s.Generation));
    }

    public async Task<int> PruneAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SessionSnapshots.Where(s => s.At < olderThan).ExecuteDeleteAsync(cancellationToken);
    }

    private static SessionSnapshot ToSnapshot(SessionSnapshotRecord record)
    {
        Dictionary<string, int> counts;
        try
        {
            counts = JsonSerializer.Deserialize<Dictionary<string, int>>(record.KeyFileCounts) ?? [];
        }
        catch (JsonException)
        {
            counts = [];
        }

        return new SessionSnapshot(record.AccountId, record.Generation, record.At, record.SizeBytes, record.FileCount, counts);
    }
}
