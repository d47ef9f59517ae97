using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// SQLite databases made before the migrations were generated per provider carry the ids of the hand-written
/// migrations in their history. Their schema is what the first generated migration (the baseline) creates, so such a
/// history is rewritten to name the baseline instead, and only the migrations after it are then applied: accounts,
/// timelines, messages, users and keys stay where they are.
/// </summary>
public static class PreviousMigrations
{
    /// <summary>The hand-written migrations of <see cref="WaDashboardDbContext"/>, all applied by the previous version.</summary>
    public static readonly IReadOnlyList<string> Accounts =
        ["20261122000000_Initial", "20261122010000_SessionStorage", "20261122020000_Outbox", "20261122030500_Audit", "20261122040000_Workers"];

    /// <summary>The hand-written migration of the security context.</summary>
    public static readonly IReadOnlyList<string> Security = ["20261122030000_Security"];

    /// <summary>Run before <c>MigrateAsync</c>; does nothing for a new database or one already on the generated migrations.</summary>
    /// <returns>True when a previous version's history was adopted.</returns>
    public static async Task<bool> AdoptAsync(DbContext db, IReadOnlyList<string> previous, ILogger logger, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return false; // the previous version ran on SQLite only
        }

        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken))
        {
            return false;
        }

        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(row => row.MigrationId).ToHashSet(StringComparer.Ordinal);
        var baseline = db.Database.GetMigrations().First();
        if (applied.Contains(baseline) || !previous.Any(applied.Contains))
        {
            return false;
        }

        var missing = previous.Where(id => !applied.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database {db.Database.GetDbConnection().DataSource} was last used by a version older than the one before this one: " +
                $"it lacks the migrations {string.Join(", ", missing)}. Start the previous version once (it brings the database up to date), then this one.");
        }

        var sql = string.Join("\n", previous.Select(history.GetDeleteScript)) + "\n"
            + history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion()));
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        logger.LogInformation("Database {DataSource} came from the previous version: its migrations {Previous} are now recorded as {Baseline}",
            db.Database.GetDbConnection().DataSource, string.Join(", ", previous), baseline);
        return true;
    }
}
