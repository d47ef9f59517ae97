using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Persistence;

/// <summary>Where accounts and their timelines live. Components never see this; Core services do.</summary>
public interface IAccountStore
{
    Task<IReadOnlyList<AccountState>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts a new account; throws <see cref="DuplicatePhoneException"/> if the phone is taken.</summary>
    Task AddAsync(AccountState account, TimelineEntry created, CancellationToken cancellationToken);

    Task DeleteAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Saves the new state (and a timeline entry); completes when committed.</summary>
    Task SaveAsync(AccountState state, TimelineEntry? entry, CancellationToken cancellationToken);

    /// <summary>Every account's entries at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<(string AccountId, TimelineEntry Entry)>> GetTimelineSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>The newest entries first.</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string accountId, int take, CancellationToken cancellationToken);
}

/// <summary>A row a feature keeps for one account: deleting the account deletes it too.</summary>
public interface IAccountOwnedRecord
{
    string AccountId { get; }
}

public sealed class DuplicatePhoneException(string phone)
    : Exception($"An account with the phone number {phone} already exists. Each number can be added once.");
