using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Bench.Running;

/// <summary>
/// Wraps the product's store to see when each state change is committed (the supervisor's save returns) and how
/// many saves are in flight. It changes nothing: every call goes to the product's batched writer.
/// </summary>
public sealed class CommitWatch(IAccountStore inner) : IAccountStore
{
    private int _inFlight;

    /// <summary>Called on the supervisor's thread right after a state change is committed, before it is published.</summary>
    public Action<AccountState>? Committed { get; set; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Puts the watch in front of the Core's store (call after the Core registered its services).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp => new CommitWatch(sp.GetRequiredService<EfAccountStore>()));
        services.Replace(ServiceDescriptor.Singleton<IAccountStore>(sp => sp.GetRequiredService<CommitWatch>()));
    }

    public async Task SaveAsync(AccountState state, TimelineEntry? entry, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await inner.SaveAsync(state, entry, cancellationToken);
            Committed?.Invoke(state);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public Task<IReadOnlyList<AccountState>> LoadAllAsync(CancellationToken cancellationToken) => inner.LoadAllAsync(cancellationToken);

    public Task AddAsync(AccountState account, TimelineEntry created, CancellationToken cancellationToken) => inner.AddAsync(account, created, cancellationToken);

    public Task DeleteAsync(string accountId, CancellationToken cancellationToken) => inner.DeleteAsync(accountId, cancellationToken);

    public Task<IReadOnlyList<(string AccountId, TimelineEntry Entry)>> GetTimelineSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetTimelineSinceAsync(since, cancellationToken);

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string accountId, int take, CancellationToken cancellationToken) =>
        inner.GetTimelineAsync(accountId, take, cancellationToken);
}
