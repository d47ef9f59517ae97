using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Database;

/// <summary>
/// The generated migrations of every provider against the model: nothing pending, SQL Server's script valid T-SQL (no
/// SQL Server runs here: Microsoft's own parser stands in), SQLite's and PostgreSQL's applied to real databases.
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private readonly TempDirectory _dir = new("migrations");

    public static TheoryData<DatabaseProvider, string> ProvidersAndContexts()
    {
        var data = new TheoryData<DatabaseProvider, string>();
        foreach (var provider in Enum.GetValues<DatabaseProvider>())
        {
            data.Add(provider, nameof(WaDashboardDbContext));
            data.Add(provider, nameof(SecurityDbContext));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProvidersAndContexts))]
    public void Each_provider_s_migrations_match_the_model_with_nothing_pending(DatabaseProvider provider, string context)
    {
        using var db = Create(provider, context, ConnectionString(provider));

        Assert.False(db.Database.HasPendingModelChanges(), $"{provider} {context}: the model changed; add a migration (see README, Databases).");
        var migrations = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(migrations);
        Assert.EndsWith("_Initial", migrations[0], StringComparison.Ordinal);
        Assert.Equal(DatabaseSetup.MigrationsAssembly(provider), db.GetService<IMigrationsAssembly>().Assembly.GetName().Name);
    }

    [Theory]
    [InlineData(nameof(WaDashboardDbContext), "Accounts", "TimelineEntries", "OutboxMessages", "AuditEntries", "SessionSnapshots")]
    [InlineData(nameof(SecurityDbContext), "AspNetUsers", "AspNetRoles", "AspNetUserRoles", "ApiKeys")]
    public void The_SQL_Server_migration_script_is_valid_T_SQL(string context, params string[] tables)
    {
        using var db = Create(DatabaseProvider.SqlServer, context, ConnectionString(DatabaseProvider.SqlServer));
        var migrator = db.GetService<IMigrator>();

        foreach (var options in new[] { MigrationsSqlGenerationOptions.Default, MigrationsSqlGenerationOptions.Idempotent })
        {
            var script = migrator.GenerateScript(options: options);
            var parser = new TSql160Parser(initialQuotedIdentifiers: true);
            using var reader = new StringReader(script);
            var fragment = (TSqlScript)parser.Parse(reader, out var errors);

            Assert.True(errors.Count == 0, $"{context} ({options}): " + string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
            var created = fragment.Batches.SelectMany(b => b.Statements).SelectMany(Flatten).OfType<CreateTableStatement>()
                .Select(t => t.SchemaObjectName.BaseIdentifier.Value).ToHashSet(StringComparer.Ordinal);
            Assert.Superset(tables.ToHashSet(StringComparer.Ordinal), created);
        }
    }

    [Fact]
    public async Task SQLite_migrations_create_exactly_the_model_s_schema_of_both_contexts()
    {
        var migrated = Path.Combine(_dir.Path, "migrated.db");
        foreach (var context in new[] { nameof(WaDashboardDbContext), nameof(SecurityDbContext) })
        {
            await using (var db = Create(DatabaseProvider.Sqlite, context, $"Data Source={migrated}"))
            {
                await db.Database.MigrateAsync();
            }

            var model = Path.Combine(_dir.Path, $"model-{context}.db");
            List<string> tables;
            await using (var db = Create(DatabaseProvider.Sqlite, context, $"Data Source={model}"))
            {
                await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
                tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct().Order(StringComparer.Ordinal).ToList();
            }

            Assert.NotEmpty(tables);
            Assert.Equal(await SqliteSchema.ReadAsync(model, tables), await SqliteSchema.ReadAsync(migrated, tables));
        }
    }

    [Fact]
    public async Task PostgreSQL_migrations_apply_on_a_real_server_for_both_contexts_in_one_database_and_again_as_a_no_op()
    {
        using var database = TestDatabase.Create(DatabaseProvider.Postgres);
        for (var run = 0; run < 2; run++)
        {
            foreach (var context in new[] { nameof(WaDashboardDbContext), nameof(SecurityDbContext) })
            {
                await using var db = Create(DatabaseProvider.Postgres, context, database.ConnectionString!);
                await db.Database.MigrateAsync();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            }
        }

        await using var accounts = Create(DatabaseProvider.Postgres, nameof(WaDashboardDbContext), database.ConnectionString!);
        Assert.Equal(0, await ((WaDashboardDbContext)accounts).Accounts.CountAsync());
        await using var security = Create(DatabaseProvider.Postgres, nameof(SecurityDbContext), database.ConnectionString!);
        Assert.Equal(0, await ((SecurityDbContext)security).ApiKeys.CountAsync());
    }

    internal static DbContext Create(DatabaseProvider provider, string context, string connectionString)
    {
        var database = new DatabaseOptions { Provider = provider.ToString(), ConnectionString = connectionString };
        return context switch
        {
            nameof(WaDashboardDbContext) => new WaDashboardDbContext(new DbContextOptionsBuilder<WaDashboardDbContext>().UseWaDashboardDatabase(database).Options),
            _ => new SecurityDbContext(new DbContextOptionsBuilder<SecurityDbContext>().UseWaDashboardDatabase(database, SecurityDbContext.MigrationsTable).Options),
        };
    }

    /// <summary>A connection string that is never opened: the checks above need none.</summary>
    private string ConnectionString(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => $"Data Source={Path.Combine(_dir.Path, "unused.db")}",
        DatabaseProvider.SqlServer => "Server=127.0.0.1,1;Database=WaDashboard;Connect Timeout=1",
        _ => "Host=127.0.0.1;Port=1;Database=wadashboard",
    };

    private static IEnumerable<TSqlStatement> Flatten(TSqlStatement statement) => statement switch
    {
        IfStatement branch => [branch, .. Flatten(branch.ThenStatement), .. branch.ElseStatement is null ? [] : Flatten(branch.ElseStatement)],
        BeginEndBlockStatement block => [block, .. block.StatementList.Statements.SelectMany(Flatten)],
        _ => [statement],
    };

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
