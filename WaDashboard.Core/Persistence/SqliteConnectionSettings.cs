using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Two settings for every SQLite connection the dashboard opens:
/// <list type="bullet">
/// <item>SQLite itself waits for the write lock (busy_timeout). Without it a writer that meets another writer's lock
/// (the state writer and an audit entry, say) gets SQLITE_BUSY at once and the ADO.NET provider retries only after
/// sleeping 150 ms; SQLite's own handler retries within a millisecond or two.</item>
/// <item>No connection checkpoints the write-ahead log as a side effect of its commit (wal_autocheckpoint=0): with
/// thousands of accounts a commit that happens to cross the threshold would copy thousands of pages back into the
/// database before it returns. <see cref="WalCheckpointer"/> does that beside the writers instead.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings(TimeSpan busyTimeout) : DbConnectionInterceptor
{
    private readonly string _pragmas = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA wal_autocheckpoint = 0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is not SqliteConnection)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }
}
