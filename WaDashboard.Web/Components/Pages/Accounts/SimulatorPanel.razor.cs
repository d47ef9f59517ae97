using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using Microsoft.AspNetCore.Components.Authorization;
using WaDashboard.Web.Security;
using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class SimulatorPanel
{
    private string _dropCode = "428";
    private int _banMinutes = 60;
    private int _slowSeconds = 60;

    [Parameter, EditorRequired] public AccountState Account { get; set; } = default!;

    /// <summary>Reports the outcome (message, ok) to the page.</summary>
    [Parameter] public EventCallback<(string Message, bool Ok)> OnMessage { get; set; }

    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private SimulatorEngine Simulator { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    private async Task Scan()
    {
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        await Report(await Actions.SimulateScanAsync(user, Account.Id, CancellationToken.None), L["Simulator.Scanned"]);
    }

    private async Task Inject(SimulatorFaultKind kind)
    {
        var fault = kind switch
        {
            SimulatorFaultKind.Drop => new SimulatorFault(kind, Code: string.IsNullOrWhiteSpace(_dropCode) ? null : _dropCode.Trim()),
            SimulatorFaultKind.Ban => new SimulatorFault(kind, Until: _banMinutes > 0 ? Time.GetUtcNow().AddMinutes(_banMinutes) : null),
            SimulatorFaultKind.SlowStart => new SimulatorFault(kind, Delay: TimeSpan.FromSeconds(_slowSeconds)),
            _ => new SimulatorFault(kind),
        };
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        await Report(await Actions.SimulateFaultAsync(user, Account.Id, fault, CancellationToken.None), L["Simulator.Injected", L[$"Simulator.Fault.{kind}"]]);
    }

    private Task Report(string? error, string success) =>
        OnMessage.InvokeAsync(error is null ? (success, true) : (L["Outcome.Refused", Bidi.Isolate(error)], false));
}
