using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Bench.Seeding;

public sealed record SeededAccount(int Index, string Id, string Name, string Phone)
{
    public string Digits => Phone[1..];
}

/// <summary>How the seeded accounts look when the product starts on them.</summary>
public sealed record SeedShape
{
    public AccountStatus Status { get; init; } = AccountStatus.Connected;

    /// <summary>A linked login (creds.json in generation 1): the product restores it without a QR.</summary>
    public bool Linked { get; init; } = true;

    /// <summary>Write the Baileys auth folder of generation 1 (needed for a restore to connect).</summary>
    public bool WriteFolders { get; init; } = true;

    public int PreKeyFiles { get; init; } = 1;

    /// <summary>The session generation the accounts are on (their folders are sessions/{id}/{Generation}).</summary>
    public int Generation { get; init; } = 1;

    public Func<int, string> NameOf { get; init; } = i => $"Account {i + 1:00000}";
}

/// <summary>
/// Writes a fleet the way the product would have left it before a restart: the account rows in the product's own
/// database schema (migrated by the product's migrations) and, for linked accounts, a Baileys auth folder at
/// sessions/{id}/1 written by the simulator's writer. Much faster than linking thousands of accounts one by one.
/// </summary>
public static class FleetSeed
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    public static string DatabasePath(string dataDirectory) => Path.Combine(dataDirectory, "wadashboard.db");

    public static string SessionsRoot(string dataDirectory) => Path.Combine(dataDirectory, "sessions");

    public static string GenerationFolder(string dataDirectory, string accountId, int generation = 1) =>
        Path.Combine(SessionsRoot(dataDirectory), accountId, generation.ToString(CultureInfo.InvariantCulture));

    public static string Phone(int index) => $"+9725{index + 1:D8}";

    /// <summary>The product's DbContext on a SQLite file.</summary>
    public static WaDashboardDbContext OpenDatabase(string path) => OpenDatabase(BenchDatabase.SqliteFile(path));

    /// <summary>The product's DbContext on a bench database, configured as the product configures it.</summary>
    public static WaDashboardDbContext OpenDatabase(BenchDatabase database) =>
        new(new DbContextOptionsBuilder<WaDashboardDbContext>().UseWaDashboardDatabase(database.Options).Options);

    /// <summary>Creates the database with the product's migrations (and WAL, as the product turns on).</summary>
    public static Task CreateDatabaseAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return CreateDatabaseAsync(BenchDatabase.SqliteFile(path), cancellationToken);
    }

    private static async Task CreateDatabaseAsync(BenchDatabase database, CancellationToken cancellationToken)
    {
        await using var db = OpenDatabase(database);
        await db.Database.MigrateAsync(cancellationToken);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    public static Task<IReadOnlyList<SeededAccount>> SeedAsync(string dataDirectory, int count, SeedShape shape, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        return SeedAsync(BenchDatabase.SqliteFile(DatabasePath(dataDirectory)), dataDirectory, count, shape, cancellationToken);
    }

    /// <summary>Creates <paramref name="database"/> with the product's migrations and fills it with <paramref name="count"/> accounts.</summary>
    public static async Task<IReadOnlyList<SeededAccount>> SeedAsync(BenchDatabase database, string dataDirectory, int count, SeedShape shape, CancellationToken cancellationToken)
    {
        var accounts = Enumerable.Range(0, count)
            .Select(i => new SeededAccount(i, AccountId.New(), shape.NameOf(i), Phone(i)))
            .ToList();
        await CreateDatabaseAsync(database, cancellationToken);
        await InsertAsync(database, accounts, shape, cancellationToken);
        if (shape.WriteFolders)
        {
            WriteFolders(dataDirectory, accounts, shape.Generation, shape.PreKeyFiles, cancellationToken);
        }

        return accounts;
    }

    public static Task InsertAsync(string databasePath, IReadOnlyList<SeededAccount> accounts, SeedShape shape, CancellationToken cancellationToken) =>
        InsertAsync(BenchDatabase.SqliteFile(databasePath), accounts, shape, cancellationToken);

    public static async Task InsertAsync(BenchDatabase database, IReadOnlyList<SeededAccount> accounts, SeedShape shape, CancellationToken cancellationToken)
    {
        foreach (var chunk in accounts.Chunk(5_000))
        {
            await using var db = OpenDatabase(database);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var account in chunk)
            {
                var created = Epoch.AddMilliseconds(account.Index);
                db.Accounts.Add(Record(account, shape, created));
                db.Timeline.Add(new TimelineEntryRecord
                {
                    AccountId = account.Id,
                    At = created,
                    FromStatus = nameof(AccountStatus.New),
                    ToStatus = shape.Status.ToString(),
                    Note = "Seeded by the benchmark.",
                });
            }

            await db.SaveChangesAsync(cancellationToken);
        }
    }

    public static AccountRecord Record(SeededAccount account, SeedShape shape, DateTimeOffset created) => new()
    {
        Id = account.Id,
        Name = account.Name,
        Phone = account.Phone,
        CreatedAt = created,
        Status = shape.Status.ToString(),
        StatusSince = created,
        Generation = shape.Generation,
        SessionLinked = shape.Linked,
        LinkedJid = shape.Linked ? $"{account.Digits}@s.whatsapp.net" : null,
        PushName = shape.Linked ? "Simulated phone" : null,
        Note = "Seeded by the benchmark.",
    };

    /// <summary>A linked Baileys auth folder per account, written in parallel.</summary>
    public static void WriteFolders(string dataDirectory, IReadOnlyList<SeededAccount> accounts, int generation, int preKeyFiles, CancellationToken cancellationToken)
    {
        Parallel.ForEach(accounts, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, account =>
            BaileysAuthFolder.Write(GenerationFolder(dataDirectory, account.Id, generation), account.Digits, Guid.NewGuid().ToString("N"), preKeyFiles));
    }
}
