using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Diagnostics;

/// <summary>A session found on a gateway server: whether this dashboard manages it, and what to do about it if not.</summary>
public sealed record ServerSession(string Name, string Status, string? Engine, string? Me, string? AccountId, bool Managed, string? Finding);

/// <summary>Sessions found on a gateway server, set against the accounts the dashboard manages there.</summary>
public static class ServerSessions
{
    /// <summary>Lists the server's sessions and classifies them; throws what the gateway client throws when it does not answer.</summary>
    public static async Task<IReadOnlyList<ServerSession>> ListAsync(IGatewayServer gateway, Fleet fleet, CancellationToken cancellationToken) =>
        Classify(await gateway.ListServerSessionsAsync(cancellationToken), gateway.Server.Id, fleet);

    public static IReadOnlyList<ServerSession> Classify(IReadOnlyList<GatewaySession> sessions, string serverId, Fleet fleet) =>
        sessions.Select(s =>
        {
            var account = s.AccountId is { } id ? fleet.Get(id) : null;
            var (managed, finding) = (s.AccountId, account) switch
            {
                (null, _) => (false, DiagnosisAnswers.Say("Server.NotOurs")),
                (_, null) => (false, DiagnosisAnswers.Say("Server.AccountGone")),
                (_, { } a) when !string.Equals(a.WorkerId, serverId, StringComparison.OrdinalIgnoreCase) =>
                    (false, DiagnosisAnswers.Say("Server.LeftBehind", a.WorkerId)),
                _ => (true, (string?)null),
            };
            return new ServerSession(s.Name, s.Status, s.Engine, s.MeId, s.AccountId, managed, finding);
        }).ToList();
}
