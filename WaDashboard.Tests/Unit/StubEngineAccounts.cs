using WaDashboard.Core.Engines;

namespace WaDashboard.Tests.Unit;

/// <summary>The fleet's answers to the engine layer, given as functions.</summary>
internal sealed class StubEngineAccounts(Func<string, string?>? workerOf = null, Func<string, bool>? connected = null) : IEngineAccounts
{
    public string? WorkerOf(string accountId) => workerOf?.Invoke(accountId);

    public bool HasLiveConnection(string accountId) => connected?.Invoke(accountId) ?? false;
}
