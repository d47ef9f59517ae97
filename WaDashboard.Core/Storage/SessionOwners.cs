using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Storage;

/// <summary>An account as the cleanup sees it: which generation is its session, and whether that session is in use.</summary>
public sealed record SessionOwner(string AccountId, string Name, AccountStatus Status, int Generation)
{
    /// <summary>Starting, waiting for a QR scan or pairing code, or connected: its session folder is never touched.</summary>
    public bool InUse => Status.IsActive();
}

/// <summary>Who owns the session folders, and how a repair reaches an account's folder.</summary>
public interface ISessionOwners
{
    Task<IReadOnlyList<SessionOwner>> ListAsync(CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Asks for a repair of the account's folder; it is refused when the session is in use.</summary>
    Task<RepairOutcome> RepairAsync(string accountId, FolderRepair repair, CancellationToken cancellationToken);
}
