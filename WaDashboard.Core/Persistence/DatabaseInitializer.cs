using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Applies the migrations before anything else reads the database (adopting a previous version's SQLite history first)
/// and, on SQLite, creates the file's folder and turns on WAL.
/// </summary>
public sealed class DatabaseInitializer(IDbContextFactory<WaDashboardDbContext> contexts, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sqlite = db.Database.IsSqlite();
        if (sqlite && db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await PreviousMigrations.AdoptAsync(db, PreviousMigrations.Accounts, logger, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        logger.LogInformation("Database ready: {Provider} at {DataSource}", db.Database.ProviderName, db.Database.GetDbConnection().DataSource);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
