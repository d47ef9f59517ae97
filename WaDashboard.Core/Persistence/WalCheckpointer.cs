using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Copies the write-ahead log back into the SQLite database once a second, beside the writers (a passive checkpoint
/// waits for no one and blocks no one), so that no commit pays for it; a full checkpoint when the host stops leaves a
/// complete database file behind.
/// </summary>
public sealed class WalCheckpointer(
    IDbContextFactory<WaDashboardDbContext> contexts,
    TimeProvider time,
    IOptions<PersistenceOptions> options,
    IOptions<DatabaseOptions> database,
    ILogger<WalCheckpointer> logger) : BackgroundService
{
    private bool Sqlite => database.Value.Kind() == DatabaseProvider.Sqlite;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Sqlite)
        {
            return; // only SQLite has a write-ahead log of its own to copy back
        }

        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(final: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Sqlite)
        {
            await CheckpointAsync(final: true, cancellationToken);
        }
    }

    /// <param name="final">TRUNCATE (waits for writers, empties the log) when stopping; PASSIVE otherwise.</param>
    private async Task CheckpointAsync(bool final, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync(final ? "PRAGMA wal_checkpoint(TRUNCATE);" : "PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Once per run of failures (DatabaseHealth tells people about a database that cannot take writes), not once a second.
            if (!_failing)
            {
                logger.LogWarning(ex, "Checkpointing the database's write-ahead log failed; trying again later");
            }

            _failing = true;
            return;
        }

        _failing = false;
    }
}
