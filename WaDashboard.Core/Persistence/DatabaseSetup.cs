using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// Points a context at the configured database: the provider, its migrations assembly (one per provider, holding the
/// migrations of both contexts), connection resiliency for the server providers, and SQLite's connection settings.
/// </summary>
public static class DatabaseSetup
{
    /// <summary>The assembly with <paramref name="provider"/>'s migrations, e.g. WaDashboard.Migrations.Postgres.</summary>
    public static string MigrationsAssembly(DatabaseProvider provider) => $"WaDashboard.Migrations.{provider}";

    /// <inheritdoc cref="UseWaDashboardDatabase(DbContextOptionsBuilder, DatabaseOptions, string?)"/>
    public static DbContextOptionsBuilder<TContext> UseWaDashboardDatabase<TContext>(this DbContextOptionsBuilder<TContext> options, DatabaseOptions database, string? migrationsHistoryTable = null)
        where TContext : DbContext
    {
        ((DbContextOptionsBuilder)options).UseWaDashboardDatabase(database, migrationsHistoryTable);
        return options;
    }

    /// <param name="migrationsHistoryTable">null = EF's default (__EFMigrationsHistory).</param>
    public static DbContextOptionsBuilder UseWaDashboardDatabase(this DbContextOptionsBuilder options, DatabaseOptions database, string? migrationsHistoryTable = null)
    {
        var provider = database.Kind();
        var assembly = MigrationsAssembly(provider);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(database.ConnectionString, sqlite =>
                {
                    sqlite.MigrationsAssembly(assembly);
                    if (migrationsHistoryTable is not null)
                    {
                        sqlite.MigrationsHistoryTable(migrationsHistoryTable);
                    }
                });
                options.AddInterceptors(new SqliteConnectionSettings(busyTimeout: TimeSpan.FromSeconds(5)));
                break;
            case DatabaseProvider.SqlServer:
                options.UseSqlServer(database.ConnectionString, sql =>
                {
                    sql.MigrationsAssembly(assembly);
                    sql.EnableRetryOnFailure(database.MaxRetryCount, database.MaxRetryDelay, errorNumbersToAdd: null);
                    if (migrationsHistoryTable is not null)
                    {
                        sql.MigrationsHistoryTable(migrationsHistoryTable);
                    }
                });
                break;
            case DatabaseProvider.Postgres:
                options.UseNpgsql(database.ConnectionString, npgsql =>
                {
                    npgsql.MigrationsAssembly(assembly);
                    npgsql.EnableRetryOnFailure(database.MaxRetryCount, database.MaxRetryDelay, errorCodesToAdd: null);
                    if (migrationsHistoryTable is not null)
                    {
                        npgsql.MigrationsHistoryTable(migrationsHistoryTable);
                    }
                });
                break;
        }

        return options;
    }

    /// <summary>
    /// The configured connection string; when there is none, SQLite's default file under the data directory, and for the
    /// server providers a placeholder while dotnet ef generates migrations or scripts (it never connects then).
    /// </summary>
    public static string ResolveConnectionString(string provider, string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var kind);
        return (kind, EF.IsDesignTime) switch
        {
            (DatabaseProvider.Sqlite, _) => DefaultSqliteConnectionString(dataDirectory),
            (DatabaseProvider.SqlServer, true) => "Server=design-time;Database=WaDashboard",
            (DatabaseProvider.Postgres, true) => "Host=design-time;Database=wadashboard",
            _ => "",
        };
    }

    /// <summary>The default SQLite file under the data directory.</summary>
    public static string DefaultSqliteConnectionString(string dataDirectory) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "wadashboard.db") }.ToString();

    /// <summary>Why <paramref name="connectionString"/> cannot be used with <paramref name="provider"/>, or null.</summary>
    public static string? ConnectionStringProblem(DatabaseProvider provider, string connectionString)
    {
        try
        {
            _ = provider switch
            {
                DatabaseProvider.Sqlite => new SqliteConnectionStringBuilder(connectionString).ToString(),
                DatabaseProvider.SqlServer => new SqlConnectionStringBuilder(connectionString).ToString(),
                _ => new NpgsqlConnectionStringBuilder(connectionString).ToString(),
            };
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return ex.Message;
        }
    }
}
