namespace WaDashboard.Core.Engines;

/// <summary>
/// What the engine layer needs to know of an account it serves, answered by whoever supervises the accounts: which
/// worker it is placed on, and whether it has a live connection (no send reaches an engine otherwise).
/// </summary>
public interface IEngineAccounts
{
    /// <summary>The worker id the account is placed on; null for an account the dashboard does not know.</summary>
    string? WorkerOf(string accountId);

    bool HasLiveConnection(string accountId);
}
