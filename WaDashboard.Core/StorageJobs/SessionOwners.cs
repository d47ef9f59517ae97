using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.StorageJobs;

/// <summary>
/// The running dashboard: the live states of the fleet, and repairs that go through each account's supervisor queue,
/// so no start can happen while a repair runs on the folder.
/// </summary>
public sealed class FleetSessionOwners(Fleet fleet) : ISessionOwners
{
    public Task<IReadOnlyList<SessionOwner>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<SessionOwner>>(fleet.Accounts.Select(a => new SessionOwner(a.Id, a.Name, a.Status, a.Generation)).ToList());

    public Task<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) => Task.FromResult(fleet.Get(accountId) is not null);

    public async Task<RepairOutcome> RepairAsync(string accountId, FolderRepair repair, CancellationToken cancellationToken)
    {
        var result = await fleet.SendAsync(accountId, new MaintainSessionCommand(repair), cancellationToken);
        return new RepairOutcome(result.Accepted, result.Message, result.BytesFreed);
    }
}

/// <summary>
/// The offline cleanup (<c>--cleanup-sessions</c>, run while the dashboard is stopped, which the session root lock
/// guarantees): the stored states, and the same pure decision the supervisor makes before a repair runs.
/// </summary>
public sealed class StoredSessionOwners(IAccountStore store, SessionRepairs repairs, TimeProvider time) : ISessionOwners
{
    private Dictionary<string, AccountState>? _accounts;

    public async Task<IReadOnlyList<SessionOwner>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await LoadAsync(cancellationToken);
        return accounts.Values.Select(a => new SessionOwner(a.Id, a.Name, a.Status, a.Generation)).ToList();
    }

    public async Task<bool> ExistsAsync(string accountId, CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).ContainsKey(accountId);

    public async Task<RepairOutcome> RepairAsync(string accountId, FolderRepair repair, CancellationToken cancellationToken)
    {
        if (!(await LoadAsync(cancellationToken)).TryGetValue(accountId, out var state))
        {
            return new RepairOutcome(false, RepairAnswers.Say("Repair.NoSuchAccount"));
        }

        var decision = SessionTransitions.Apply(state, new MaintainSessionCommand(repair), new TransitionContext(time.GetUtcNow(), new ReconnectOptions(), 0));
        if (decision.Result is { Accepted: false } refused)
        {
            return new RepairOutcome(false, refused.Message);
        }

        var outcome = new RepairOutcome(false, RepairAnswers.Say("Repair.NothingToDo"));
        foreach (var effect in decision.Effects.OfType<RepairSessionFolder>())
        {
            outcome = repairs.Run(accountId, effect.Generation, effect.Repair);
        }

        return outcome;
    }

    private async Task<Dictionary<string, AccountState>> LoadAsync(CancellationToken cancellationToken) =>
        _accounts ??= (await store.LoadAllAsync(cancellationToken)).ToDictionary(a => a.Id, StringComparer.Ordinal);
}
