using Microsoft.Data.Sqlite;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Bench.Seeding;

/// <summary>Where a scenario's data lives: the embedded SQLite file or a PostgreSQL database, named as the product's settings name them.</summary>
public sealed record BenchDatabase(DatabaseProvider Provider, string ConnectionString)
{
    public static BenchDatabase SqliteFile(string path) =>
        new(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = path }.ToString());

    public DatabaseOptions Options => new() { Provider = Provider.ToString(), ConnectionString = ConnectionString };

    /// <summary>The product's settings that point its Core at this database (none for the default SQLite file under the data folder).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings => Provider == DatabaseProvider.Sqlite
        ? []
        : [
            new($"{DatabaseOptions.Section}:Provider", Provider.ToString()),
            new($"ConnectionStrings:{DatabaseOptions.ConnectionStringName}", ConnectionString),
        ];
}
