using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Http;

/// <summary>The same app as <see cref="WebAppFactory"/>, on a fresh database of the test PostgreSQL server.</summary>
public sealed class PostgresWebAppFactory : WebAppFactory
{
    private readonly Lazy<TestDatabase> _database = new(() => TestDatabase.Create(DatabaseProvider.Postgres));

    protected override TestDatabase? Database => _database.Value;
}
