using WaDashboard.Testing;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Tests.Support;

/// <summary>
/// The database one test runs against: SQLite (the default file under the test's data folder) or a fresh database
/// on the shared <see cref="PostgresServer"/>. Suites that must hold on every provider take the provider as a
/// parameter of their class and are run once per provider.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private TestDatabase(DatabaseProvider provider, string? connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>null for SQLite: the app's default file under its data directory.</summary>
    public string? ConnectionString { get; }

    public static TestDatabase Create(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => new(provider, null),
        // Off xunit's synchronization context: a constructor cannot await.
        DatabaseProvider.Postgres => new(provider, Task.Run(PostgresServer.CreateDatabaseAsync).GetAwaiter().GetResult()),
        _ => throw new NotSupportedException($"No {provider} server runs here."),
    };

    /// <summary>The app's settings for this database (configuration keys).</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Database:Provider"] = Provider.ToString(),
        ["ConnectionStrings:WaDashboard"] = ConnectionString ?? "",
    };

    /// <summary>The same settings as environment variables of an app process.</summary>
    public Dictionary<string, string> Environment => Settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    public DatabaseOptions Options(string dataDirectory) => new()
    {
        Provider = Provider.ToString(),
        ConnectionString = ConnectionString ?? DatabaseSetup.DefaultSqliteConnectionString(dataDirectory),
    };

    /// <summary>A context on this database as the app configures it (provider, migrations assembly).</summary>
    public WaDashboardDbContext CreateContext(string dataDirectory) =>
        new(new DbContextOptionsBuilder<WaDashboardDbContext>().UseWaDashboardDatabase(Options(dataDirectory)).Options);

    public void Dispose()
    {
        if (Provider == DatabaseProvider.Postgres && ConnectionString is { } connectionString)
        {
            Task.Run(() => PostgresServer.DropDatabaseAsync(connectionString)).GetAwaiter().GetResult();
        }
    }
}
