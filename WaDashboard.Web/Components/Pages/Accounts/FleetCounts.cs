using System.Runtime.CompilerServices;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Web.Components.Pages.Accounts;

/// <summary>
/// The Accounts page's summary: how many accounts are connected, reconnecting, or need a person. Counted once per
/// fleet snapshot and shared by every open tab (the fleet hands all readers the same snapshot until it changes).
/// </summary>
public sealed record FleetCounts(int Total, int Connected, int Reconnecting, int NeedsPerson)
{
    private static readonly ConditionalWeakTable<IReadOnlyList<AccountState>, FleetCounts> BySnapshot = new();

    public static FleetCounts Of(IReadOnlyList<AccountState> snapshot, DateTimeOffset now) =>
        BySnapshot.GetValue(snapshot, accounts => Count(accounts, now));

    private static FleetCounts Count(IReadOnlyList<AccountState> accounts, DateTimeOffset now)
    {
        int connected = 0, reconnecting = 0, needsPerson = 0;
        foreach (var account in accounts)
        {
            if (account.Status == AccountStatus.Connected)
            {
                connected++;
            }

            if (account.Status is AccountStatus.Reconnecting || (account.Status == AccountStatus.Starting && account.ReconnectAttempt > 0))
            {
                reconnecting++;
            }

            if (AccountStatusDescription.Describe(account, now).NeedsPerson)
            {
                needsPerson++;
            }
        }

        return new FleetCounts(accounts.Count, connected, reconnecting, needsPerson);
    }
}
