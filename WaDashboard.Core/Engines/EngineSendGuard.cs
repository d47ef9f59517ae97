using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Core.Engines;

/// <summary>
/// The hard guard at the engine boundary. Whatever engine drives the sessions is registered behind this decorator, so
/// every send from every caller passes here: a send for an account that the dashboard does not see as connected in this
/// run (<see cref="Accounts.AccountState.HasLiveConnection"/>) never
/// reaches the engine; it is refused, logged and counted (the count must stay 0: the outbox already holds messages of
/// accounts that are not connected). Everything else is passed through unchanged.
/// </summary>
public sealed class EngineSendGuard(IWhatsAppEngine inner, IEngineAccounts accounts, ILogger<EngineSendGuard> logger) : IWhatsAppEngine
{
    private long _refusedSends;

    /// <summary>The engine behind the guard.</summary>
    public IWhatsAppEngine Inner => inner;

    /// <summary>Sends stopped here because the account was not connected.</summary>
    public long RefusedSends => Interlocked.Read(ref _refusedSends);

    public string Name => inner.Name;

    public ChannelReader<EngineEvent> Events => inner.Events;

    public Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
    {
        if (!accounts.HasLiveConnection(accountId))
        {
            Interlocked.Increment(ref _refusedSends);
            logger.LogWarning("Send refused at the engine boundary for {AccountId}: the account is not connected", accountId);
            return Task.FromResult(EngineSendResult.NotConnectedRefusal("Refused at the engine boundary: the account is not connected."));
        }

        return inner.SendTextAsync(accountId, toDigits, text, cancellationToken);
    }

    public Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken) => inner.StartSessionAsync(request, cancellationToken);

    public Task StopSessionAsync(string accountId, CancellationToken cancellationToken) => inner.StopSessionAsync(accountId, cancellationToken);

    public Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken) => inner.LogoutSessionAsync(accountId, cancellationToken);

    public Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken) => inner.GetSessionAsync(accountId, cancellationToken);

    public Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken) => inner.ProbeAsync(accountId, cancellationToken);

    public Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken) => inner.ListSessionsAsync(cancellationToken);

    public bool IsRemote(string accountId) => inner.IsRemote(accountId);
}
