using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Tests.Support;

/// <summary>The storage services on a real temp folder with a fake clock, without the fleet or a host.</summary>
public sealed class StorageStack : IDisposable
{
    private readonly TempDirectory _data = new("wadash-storage");

    public StorageStack(SessionStorageOptions? options = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(TestClock.Start);
        Options = options ?? new SessionStorageOptions();
        Folders = new SessionFolders(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _data.Path }), NullLogger<SessionFolders>.Instance);
        var storageOptions = Microsoft.Extensions.Options.Options.Create(Options);
        Inspector = new SessionInspector(storageOptions);
        Quarantine = new SessionQuarantine(Folders, storageOptions, Time, NullLogger<SessionQuarantine>.Instance);
        Backups = new CredsBackups(Folders, storageOptions, Time, NullLogger<CredsBackups>.Instance);
        Repairs = new SessionRepairs(Folders, Inspector, Quarantine, Backups, Time, NullLogger<SessionRepairs>.Instance);
        Planner = new CleanupPlanner(Folders, Inspector, Quarantine, Time);
        Cleanup = new SessionCleanup(Planner, Quarantine, Folders, Time, NullLogger<SessionCleanup>.Instance);
        Directory.CreateDirectory(Folders.Root);
    }

    public FakeTimeProvider Time { get; }
    public SessionStorageOptions Options { get; }
    public string DataDirectory => _data.Path;
    public SessionFolders Folders { get; }
    public SessionInspector Inspector { get; }
    public SessionQuarantine Quarantine { get; }
    public CredsBackups Backups { get; }
    public SessionRepairs Repairs { get; }
    public CleanupPlanner Planner { get; }
    public SessionCleanup Cleanup { get; }

    public string Root => Folders.Root;

    public SessionInspection Inspect(string folder, bool inUse = false, KeyFileBaseline? baseline = null) =>
        Inspector.Inspect(folder, new InspectionContext(inUse, Time.GetUtcNow(), Deep: true, baseline));

    /// <summary>A scratch folder outside the sessions root (for single-folder inspections).</summary>
    public string Scratch(string name)
    {
        var path = Path.Combine(_data.Path, "scratch", name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}

/// <summary>Accounts kept in memory, with the same pure decision the supervisor makes before a repair.</summary>
public sealed class InMemoryOwners(StorageStack storage, params AccountState[] accounts) : ISessionOwners
{
    private readonly Dictionary<string, AccountState> _accounts = accounts.ToDictionary(a => a.Id);

    public Task<IReadOnlyList<SessionOwner>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SessionOwner>>(_accounts.Values.Select(a => new SessionOwner(a.Id, a.Name, a.Status, a.Generation)).ToList());

    public Task<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(_accounts.ContainsKey(accountId));

    public Task<RepairOutcome> RepairAsync(string accountId, FolderRepair repair, CancellationToken cancellationToken)
    {
        var state = _accounts[accountId];
        var decision = SessionTransitions.Apply(state, new MaintainSessionCommand(repair),
            new TransitionContext(storage.Time.GetUtcNow(), new Core.Reconnect.ReconnectOptions(), 0));
        if (decision.Result is { Accepted: false } refused)
        {
            return Task.FromResult(new RepairOutcome(false, refused.Message));
        }

        var effect = decision.Effects.OfType<RepairSessionFolder>().Single();
        return Task.FromResult(storage.Repairs.Run(accountId, effect.Generation, effect.Repair));
    }

    public static AccountState Account(string name, AccountStatus status, int generation, bool linked = true) => new()
    {
        Id = AccountId.New(),
        Name = name,
        Phone = PhoneNumber.Parse("+9725" + Random.Shared.Next(10_000_000, 99_999_999)),
        CreatedAt = DateTimeOffset.UnixEpoch,
        StatusSince = DateTimeOffset.UnixEpoch,
        Status = status,
        Generation = generation,
        SessionLinked = linked,
    };
}
