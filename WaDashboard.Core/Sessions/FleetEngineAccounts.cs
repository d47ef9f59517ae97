using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Engines;

namespace WaDashboard.Core.Sessions;

/// <summary>
/// The fleet answering the engine layer. The fleet is resolved on first use: it needs the engine itself, so it
/// cannot be built before it.
/// </summary>
internal sealed class FleetEngineAccounts(IServiceProvider services) : IEngineAccounts
{
    private readonly Lazy<Fleet> _fleet = new(services.GetRequiredService<Fleet>);

    public string? WorkerOf(string accountId) => _fleet.Value.Get(accountId)?.WorkerId;

    public bool HasLiveConnection(string accountId) => _fleet.Value.Get(accountId)?.HasLiveConnection == true;
}
