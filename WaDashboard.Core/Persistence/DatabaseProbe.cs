using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Background;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Every <see cref="PersistenceOptions.HealthProbeInterval"/>, proves that the database can still take a write and
/// feeds <see cref="DatabaseHealth"/>. For SQLite that means: the database file is still where it was opened (a
/// deleted file keeps taking commits through open connections, and loses them at the next start), it is still this
/// dashboard's database, and a fresh connection can commit a write (the header's user_version written back unchanged:
/// no table of its own, no schema change). Other providers: the server answers a round trip.
/// </summary>
public sealed class DatabaseProbe(
    IDbContextFactory<WaDashboardDbContext> contexts,
    DatabaseHealth health,
    TimeProvider time,
    IOptions<PersistenceOptions> options,
    ILogger<DatabaseProbe> logger) : PeriodicBackgroundService(time)
{
    protected override TimeSpan Period => options.Value.HealthProbeInterval;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => ProbeOnceAsync(stoppingToken);

    public async Task ProbeOnceAsync(CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            problem = await FindProblemAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            problem = DatabaseHealth.DescribeCommitFailure(ex);
        }

        var before = health.State;
        health.Observe(problem is null ? new ProbeSucceeded() : new ProbeFailed(problem));
        if (problem is not null && before.ProbeProblem != problem)
        {
            logger.LogError("The database cannot take writes: {Reason}", problem);
        }
        else if (problem is null && !before.CanWrite)
        {
            logger.LogWarning("The database takes writes again");
        }
    }

    private async Task<string?> FindProblemAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite())
        {
            return await db.Database.CanConnectAsync(cancellationToken) ? null : DatabaseText.Say("Database.NoAnswer");
        }

        var configured = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        var file = configured.DataSource;
        if (string.IsNullOrEmpty(file) || file == ":memory:" || configured.Mode == SqliteOpenMode.Memory)
        {
            return null;
        }

        if (!File.Exists(file))
        {
            return DatabaseText.Say("Database.FileGone", Path.GetFileName(file));
        }

        // A fresh, unpooled connection that may not create a file: it sees what a restart would see.
        var probe = new SqliteConnectionStringBuilder(configured.ConnectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 5 };
        await using var connection = new SqliteConnection(probe.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return DatabaseText.Say("Database.FileReplaced", Path.GetFileName(file));
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        command.CommandText = $"PRAGMA user_version = {version}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}
