using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Security;
using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class WorkerCard
{
    private IReadOnlyList<string> _targets = [];
    private string? _target;
    private bool _confirming;
    private bool _busy;

    [Parameter, EditorRequired] public AccountState Account { get; set; } = default!;

    [Parameter] public bool CanOperate { get; set; }

    /// <summary>Reports the outcome (message, ok) to the page.</summary>
    [Parameter] public EventCallback<(string Message, bool Ok)> OnMessage { get; set; }

    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    protected override void OnParametersSet()
    {
        _targets = Fleet.Workers.Workers.Select(w => w.Id).Where(id => !string.Equals(id, Account.WorkerId, StringComparison.OrdinalIgnoreCase)).ToList();
        if (_target is not null && !_targets.Contains(_target))
        {
            _target = null;
            _confirming = false;
        }
    }

    private string Describe(string workerId) => Fleet.Workers.Find(workerId) switch
    {
        null => L["Worker.NotConfigured"],
        { IsRemote: true } w => L["Worker.Gateway", Bidi.Isolate(w.Kind), Bidi.Isolate(w.Url ?? "")],
        _ => L["Worker.Simulator"],
    };

    private async Task MoveAsync()
    {
        if (_target is null)
        {
            return;
        }

        // Taken before the awaits: the move re-renders this card with the account's new worker, which clears the choice.
        var target = _target;
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            var result = await Actions.MoveAccountAsync(user, Account.Id, target, CancellationToken.None);
            _confirming = false;
            _target = null;
            await OnMessage.InvokeAsync((result.Accepted ? L["Worker.Moved", Bidi.Isolate(target)] : Words.Outcome(result), result.Accepted));
        }
        finally
        {
            _busy = false;
        }
    }
}
