using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Http;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Database;

/// <summary>
/// A database file made by the previous version (Fixtures/PreviousVersion, made by make-database.sh beside it, whose
/// schema came from the hand-written migrations) opened by this version: its history is adopted as the generated
/// baseline, the schema is exactly what the generated migrations create, and the accounts, timelines, messages,
/// audit, user and API key are all still there and usable.
/// </summary>
public sealed class PreviousVersionUpgradeTests : IDisposable
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "PreviousVersion", "wadashboard.db");
    private static readonly string FixtureKey = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "PreviousVersion", "api-key.txt")).Trim();

    private readonly TempDirectory _dir = new("upgrade");

    private sealed class UpgradedApp : WebAppFactory
    {
        public UpgradedApp() => File.Copy(Fixture, Path.Combine(DataDirectory, "wadashboard.db"));
    }

    [Fact]
    public async Task A_previous_version_s_database_upgrades_in_place_keeping_accounts_timelines_messages_audit_users_and_keys()
    {
        var before = await CountsAsync(Fixture);
        Assert.Equal((3, 14, 2, 10, 1, 1), before); // what make-database.sh left in the fixture
        await using (var app = new UpgradedApp())
        {
            var upgraded = Path.Combine(app.DataDirectory, "wadashboard.db");
            using var admin = app.CreateClient();

            var accounts = await admin.GetFromJsonAsync<JsonElement>("/api/accounts");
            var names = accounts.EnumerateArray().Select(a => a.GetProperty("name").GetString()).Order().ToList();
            Assert.Equal(["Fixture 0001", "Fixture 0002", "Fixture 0003"], names);

            var timeline = await admin.GetFromJsonAsync<JsonElement>("/api/accounts/%2B972501110001/timeline");
            Assert.Contains(timeline.EnumerateArray(), e => e.ToString().Contains("Connected", StringComparison.Ordinal));

            var messages = (await admin.GetFromJsonAsync<JsonElement>("/api/messages")).ToString();
            Assert.Contains("sent before the upgrade", messages);
            Assert.Contains("waiting for its account", messages);
            var sent = await admin.GetFromJsonAsync<JsonElement>("/api/messages?status=Sent");
            Assert.Contains("sent before the upgrade", sent.ToString());

            // The key made by the previous version still signs in, with its role (Operator: reads yes, deletes no).
            using var withOldKey = app.CreateAnonymousClient();
            withOldKey.DefaultRequestHeaders.Add("X-Api-Key", FixtureKey);
            Assert.Equal(HttpStatusCode.OK, (await withOldKey.GetAsync("/api/accounts")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await withOldKey.DeleteAsync("/api/accounts/%2B972501110003")).StatusCode);

            await using (var scope = app.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
                var user = await users.FindByEmailAsync("admin@example.org");
                Assert.NotNull(user);
                Assert.True(await users.CheckPasswordAsync(user, "fixture-passw0rd-long"));
                Assert.True(await users.IsInRoleAsync(user, "Admin"));
            }

            // New writes land in the upgraded tables.
            (await admin.PostAsJsonAsync("/api/accounts", new { name = "After upgrade", phone = "+972501110004" })).EnsureSuccessStatusCode();

            // Read beside the running app (its write-ahead log included); the app deletes its folder when it stops.
            var after = await CountsAsync(upgraded, readOnly: false);
            Assert.True(after.Accounts == 4 && after.Timeline > before.Timeline && after.Messages == 2 && after.Audit > before.Audit
                && after.Users == 1 && after.Keys == 1, $"before {before}, after {after}");

            // The history names the generated migrations only, and the schema is exactly what they create on a new database.
            Assert.Equal(Migrations(nameof(WaDashboardDbContext)), await AppliedAsync(upgraded, "__EFMigrationsHistory"));
            Assert.Equal(Migrations(nameof(SecurityDbContext)), await AppliedAsync(upgraded, SecurityDbContext.MigrationsTable));
            var fresh = Path.Combine(_dir.Path, "fresh.db");
            foreach (var context in new[] { nameof(WaDashboardDbContext), nameof(SecurityDbContext) })
            {
                await using var db = MigrationTests.Create(DatabaseProvider.Sqlite, context, $"Data Source={fresh}");
                await db.Database.MigrateAsync();
            }

            Assert.Equal(Sorted(await SqliteSchema.ReadAsync(fresh)), Sorted(await SqliteSchema.ReadAsync(upgraded)));
        }
    }

    [Fact]
    public async Task A_database_that_missed_a_previous_migration_is_refused_with_what_to_do()
    {
        var file = Path.Combine(_dir.Path, "older.db");
        File.Copy(Fixture, file);
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM __EFMigrationsHistory WHERE MigrationId = '20261122040000_Workers'";
            await command.ExecuteNonQueryAsync();
        }

        await using var db = MigrationTests.Create(DatabaseProvider.Sqlite, nameof(WaDashboardDbContext), $"Data Source={file};Pooling=false");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            PreviousMigrations.AdoptAsync(db, PreviousMigrations.Accounts, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None));
        Assert.Contains("20261122040000_Workers", refused.Message);
        Assert.Contains("Start the previous version once", refused.Message);
    }

    private static List<string> Migrations(string context)
    {
        using var db = MigrationTests.Create(DatabaseProvider.Sqlite, context, "Data Source=:memory:");
        return db.Database.GetMigrations().ToList();
    }

    private static List<string> Sorted(List<string> lines) => lines.Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> AppliedAsync(string file, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MigrationId FROM \"{table}\" ORDER BY MigrationId";
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static async Task<(long Accounts, long Timeline, long Messages, long Audit, long Users, long Keys)> CountsAsync(string file, bool readOnly = true)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=false" + (readOnly ? ";Mode=ReadOnly" : ""));
        await connection.OpenAsync();
        async Task<long> Count(string table)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        return (await Count("Accounts"), await Count("TimelineEntries"), await Count("OutboxMessages"), await Count("AuditEntries"),
            await Count("AspNetUsers"), await Count("ApiKeys"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
