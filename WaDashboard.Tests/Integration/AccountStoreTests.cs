using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Integration;

/// <summary>SQLite's own connection settings and write-ahead log, beside the suite every provider runs.</summary>
public sealed class AccountStoreTestsOnSqlite() : AccountStoreTests(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task Connections_wait_for_a_busy_write_lock_themselves_no_commit_checkpoints_and_a_stop_leaves_the_log_empty()
    {
        var data = Path.Combine(Folder.Path, "core");
        await using (var core = await CoreHarness.StartAsync(data))
        {
            await core.AddConnectedAsync("+972501234567");
            await using var db = await core.Services.GetRequiredService<IDbContextFactory<WaDashboardDbContext>>().CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var pragma = db.Database.GetDbConnection().CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout";
            Assert.Equal(5000L, await pragma.ExecuteScalarAsync());
            pragma.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal(0L, await pragma.ExecuteScalarAsync());
            pragma.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", await pragma.ExecuteScalarAsync());
            Assert.True(new FileInfo(Path.Combine(data, "wadashboard.db-wal")).Length > 0);
        }

        Assert.Equal(0, new FileInfo(Path.Combine(data, "wadashboard.db-wal")) is { Exists: true } wal ? wal.Length : 0);
    }
}

public sealed class AccountStoreTestsOnPostgres() : AccountStoreTests(DatabaseProvider.Postgres);

/// <summary>The batched state writer and the store's queries on a real database migrated by the product's migrations, per provider.</summary>
public abstract class AccountStoreTests(DatabaseProvider provider) : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private readonly TestDatabase _database = TestDatabase.Create(provider);

    protected TempDirectory Folder { get; } = new("store");

    [Fact]
    public async Task One_batch_keeps_each_account_s_latest_state_and_every_timeline_entry_in_order_and_drops_changes_of_a_removed_account()
    {
        var factory = await MigratedAsync();
        var store = new EfAccountStore(factory, Options.Create(new PersistenceOptions()), NullLogger<EfAccountStore>.Instance);
        var clinic = Account("+972501234567", "Clinic");
        var shop = Account("+972501234568", "Shop");
        var gone = Account("+972501234569", "Gone");
        foreach (var account in new[] { clinic, shop, gone })
        {
            await store.AddAsync(account, Entry(T0, AccountStatus.New, AccountStatus.New, "Account added."), CancellationToken.None);
        }

        await store.DeleteAsync(gone.Id, CancellationToken.None);

        // Queued before the writer runs, so they are committed as one batch.
        var reconnecting = clinic with
        {
            Status = AccountStatus.Reconnecting,
            StatusSince = T0.AddSeconds(2),
            Reason = DisconnectReason.ConnectionLost,
            RawCode = "428",
            RawText = "Connection Closed",
            Generation = 1,
            SessionLinked = true,
            ReconnectAttempt = 1,
            NextAttemptAt = T0.AddSeconds(2).AddTicks(1234567),
            FailingSince = T0.AddSeconds(2),
            Note = "Connection lost: automatic reconnect attempt 1 in 1.2 s (no QR needed).",
        };
        var saves = new[]
        {
            store.SaveAsync(clinic with { Status = AccountStatus.Connected, StatusSince = T0.AddSeconds(1), Generation = 1, SessionLinked = true, Note = "Connected." },
                Entry(T0.AddSeconds(1), AccountStatus.Starting, AccountStatus.Connected, "Connected."), CancellationToken.None),
            store.SaveAsync(shop with { Status = AccountStatus.Banned, BannedUntil = T0.AddDays(2), Note = "Banned." },
                Entry(T0.AddSeconds(1), AccountStatus.New, AccountStatus.Banned, "Banned."), CancellationToken.None),
            store.SaveAsync(gone with { Status = AccountStatus.Starting }, Entry(T0.AddSeconds(1), AccountStatus.New, AccountStatus.Starting, "Too late."), CancellationToken.None),
            store.SaveAsync(reconnecting, Entry(T0.AddSeconds(2), AccountStatus.Connected, AccountStatus.Reconnecting, reconnecting.Note) with
            {
                Reason = DisconnectReason.ConnectionLost,
                RawCode = "428",
                RawText = "Connection Closed",
                NextAttemptAt = reconnecting.NextAttemptAt,
            }, CancellationToken.None),
            store.SaveAsync(reconnecting with { Note = "Same state, new note." }, null, CancellationToken.None),
        };
        Assert.All(saves, s => Assert.False(s.IsCompleted));

        await store.StartAsync(CancellationToken.None);
        await Task.WhenAll(saves).WaitAsync(TimeSpan.FromSeconds(15));
        await store.StopAsync(CancellationToken.None);

        var loaded = (await store.LoadAllAsync(CancellationToken.None)).ToDictionary(a => a.Id);
        Assert.Equal(new[] { clinic.Id, shop.Id }.Order(), loaded.Keys.Order());
        Assert.Equal(reconnecting with { Note = "Same state, new note." }, loaded[clinic.Id]);
        Assert.Equal(AccountStatus.Banned, loaded[shop.Id].Status);
        Assert.Equal(T0.AddDays(2), loaded[shop.Id].BannedUntil);
        Assert.Null(loaded[shop.Id].NextAttemptAt);

        var timeline = await store.GetTimelineAsync(clinic.Id, 10, CancellationToken.None);
        Assert.Equal([AccountStatus.Reconnecting, AccountStatus.Connected, AccountStatus.New], timeline.Select(e => e.To));
        Assert.Equal(DisconnectReason.ConnectionLost, timeline[0].Reason);
        Assert.Equal("428", timeline[0].RawCode);
        Assert.Equal(reconnecting.NextAttemptAt, timeline[0].NextAttemptAt);
        Assert.Empty(await store.GetTimelineAsync(gone.Id, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_taken_phone_a_reused_idempotency_key_and_a_removed_account_are_each_told_apart_from_the_database_s_own_error()
    {
        var factory = await MigratedAsync();
        var accounts = new EfAccountStore(factory, Options.Create(new PersistenceOptions()), NullLogger<EfAccountStore>.Instance);
        var outbox = new EfOutboxStore(factory, Options.Create(new PersistenceOptions()), NullLogger<EfOutboxStore>.Instance);
        var clinic = Account("+972501234567", "Clinic");
        await accounts.AddAsync(clinic, Entry(T0, AccountStatus.New, AccountStatus.New, "Account added."), CancellationToken.None);

        var again = Account("+972501234567", "Clinic again");
        await Assert.ThrowsAsync<DuplicatePhoneException>(() => accounts.AddAsync(again, Entry(T0, AccountStatus.New, AccountStatus.New, null), CancellationToken.None));

        OutboxMessage Message(string accountId, string? key) => new()
        {
            AccountId = accountId,
            To = PhoneNumber.Parse("+972500000001"),
            Text = "Reminder",
            IdempotencyKey = key,
            CreatedAt = T0,
            UpdatedAt = T0,
        };
        var first = await outbox.InsertAsync(Message(clinic.Id, "key-1"), CancellationToken.None);
        Assert.True(first.Id > 0);
        await Assert.ThrowsAsync<DuplicateIdempotencyKeyException>(() => outbox.InsertAsync(Message(clinic.Id, "key-1"), CancellationToken.None));
        await outbox.InsertAsync(Message(clinic.Id, null), CancellationToken.None); // messages without a key never collide
        await outbox.InsertAsync(Message(clinic.Id, null), CancellationToken.None);
        var removed = await Assert.ThrowsAsync<MessageValidationException>(() => outbox.InsertAsync(Message(AccountId.New(), "key-2"), CancellationToken.None));
        Assert.Equal("account", removed.Field);
        Assert.Equal(3, (await outbox.ListAsync(new OutboxQuery(AccountId: clinic.Id), CancellationToken.None)).Count);
    }

    private async Task<IDbContextFactory<WaDashboardDbContext>> MigratedAsync()
    {
        var options = new DbContextOptionsBuilder<WaDashboardDbContext>().UseWaDashboardDatabase(_database.Options(Folder.Path)).Options;
        await using (var db = new WaDashboardDbContext(options))
        {
            await db.Database.MigrateAsync();
        }

        return new Contexts(options);
    }

    private static AccountState Account(string phone, string name) => new()
    {
        Id = AccountId.New(),
        Name = name,
        Phone = PhoneNumber.Parse(phone),
        CreatedAt = T0,
        StatusSince = T0,
        Note = "Added.",
    };

    private static TimelineEntry Entry(DateTimeOffset at, AccountStatus from, AccountStatus to, string? note) =>
        new(at, from, to, null, null, null, note, null);

    private sealed class Contexts(DbContextOptions<WaDashboardDbContext> options) : IDbContextFactory<WaDashboardDbContext>
    {
        public WaDashboardDbContext CreateDbContext() => new(options);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
        Folder.Dispose();
    }
}
