using Microsoft.AspNetCore.Components;
using MudBlazor;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Components.Pages.Diagnostics;

public partial class FindingCard
{
    [Parameter, EditorRequired] public SessionFinding Finding { get; set; } = default!;

    /// <summary>An action is running; buttons wait.</summary>
    [Parameter] public bool Busy { get; set; }

    /// <summary>Names the account (fleet view); the account view leaves it out.</summary>
    [Parameter] public bool ShowAccount { get; set; } = true;

    [Parameter] public EventCallback<SessionFinding> OnAction { get; set; }

    /// <summary>The finding's account as it is now, when the page has it: a "not connected" finding is said from it.</summary>
    [Parameter] public WaDashboard.Core.Accounts.AccountState? Account { get; set; }

    /// <summary>The moment the account is described at (countdowns).</summary>
    [Parameter] public DateTimeOffset Now { get; set; }

    /// <summary>The evidence in the person's language.</summary>
    private Localization.Said Detail => Words.FindingDetail(Finding.Detail, Account, Now);

    private string ButtonId => "fix-" + new string(Finding.Key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private Color ActionColor => Finding.Action switch
    {
        RepairAction.ClearSession => Color.Error,
        RepairAction.Reconnect => Color.Success,
        RepairAction.ScanQr => Color.Primary,
        _ => Color.Secondary,
    };
}
