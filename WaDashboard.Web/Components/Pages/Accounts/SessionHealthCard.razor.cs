using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class SessionHealthCard
{
    private AccountDiagnosis? _diagnosis;
    private bool _busy;
    private string? _message;
    private (AccountStatus, int, bool)? _checkedFor;
    private LiveRefresh? _refresh;

    [Parameter, EditorRequired] public AccountState Account { get; set; } = default!;

    [Inject] private StorageDiagnostics Diagnostics { get; set; } = default!;

    [Inject] private WaDashboard.Web.Security.OperatorActions Actions { get; set; } = default!;

    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private string VerdictText => Words.VerdictShort(_diagnosis?.Session.Verdict ?? SessionVerdict.Missing);

    /// <summary>
    /// The worst finding's action when it is about storage (clear, trim, unlock, tidy); linking and reconnecting have
    /// their own buttons on the account page already.
    /// </summary>
    private SessionFinding? PrimaryFix => _diagnosis?.Findings.FirstOrDefault(f =>
        f.BlockedBecause is null && f.Action is RepairAction.ClearSession or RepairAction.TrimCaches or RepairAction.RemoveStaleLock or RepairAction.RemoveTempFiles);

    private async Task FixAsync(SessionFinding finding)
    {
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            var outcome = await Actions.ActAsync(user, $"storage.{finding.Action}", finding.AccountId,
                () => Diagnostics.RunAsync(finding, CancellationToken.None), o => o.Message, CancellationToken.None);
            _message = outcome is null ? L["Common.ViewOnly"] : Words.ActionOutcome(outcome);
        }
        finally
        {
            _busy = false;
        }

        await CheckAsync();
    }

    protected override void OnInitialized()
    {
        var id = Account.Id;
        _refresh = new LiveRefresh(Events, e => e is SessionStorageChanged s && (s.AccountId is null || s.AccountId == id), InvokeAsync, CheckAsync, Time);
    }

    /// <summary>The folder is checked again when the account's state, generation or link changes, not on every tick.</summary>
    protected override async Task OnParametersSetAsync()
    {
        var key = (Account.Status, Account.Generation, Account.SessionLinked);
        if (_checkedFor != key)
        {
            _checkedFor = key;
            await CheckAsync();
        }
    }

    private async Task CheckAsync()
    {
        var id = Account.Id;
        _diagnosis = await Task.Run(() => Diagnostics.DiagnoseAsync(id, CancellationToken.None));
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
