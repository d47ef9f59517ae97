using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Web.Security;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Api;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Gateways;

/// <summary>The servers sessions run on: load against capacity, health, and what a gateway holds.</summary>
public partial class GatewaysPage
{
    private IReadOnlyList<WorkerDto> _workers = [];
    private IReadOnlyList<ServerSession> _sessions = [];
    private string? _listed;
    private string? _listError;
    private LiveRefresh? _refresh;
    private DateTimeOffset _now;

    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private ClaimsPrincipal _user = new();
    private bool _canAdminister;
    private string? _message;

    protected override async Task OnInitializedAsync()
    {
        _user = (await Authentication.GetAuthenticationStateAsync()).User;
        _canAdminister = await Actions.CanAsync(_user, Policies.Administer);
    }

    private async Task RemoveAsync(string sessionName)
    {
        if (_listed is not { } workerId)
        {
            return;
        }

        var (done, message) = await Actions.RemoveLeftBehindSessionAsync(_user, workerId, sessionName, CancellationToken.None);
        _message = done ? L["Servers.Removed", Localization.Bidi.Isolate(sessionName), Localization.Bidi.Isolate(workerId)] : L["Outcome.Refused", Words.GatewayError(message) is { Translated: true } said ? said.Text : Words.Quoted(Core.Audit.AuditNotes.Book, message)];
        await ListAsync(workerId);
    }

    protected override void OnInitialized()
    {
        Refresh();
        // Placement changes with the fleet; a server's health changes without it, so the page also re-reads every few seconds.
        _refresh = new LiveRefresh(Events, e => e is AccountRemoved || e is AccountChanged, InvokeAsync, () =>
        {
            Refresh();
            StateHasChanged();
            return Task.CompletedTask;
        }, Time, tick: TimeSpan.FromSeconds(5), minInterval: TimeSpan.FromSeconds(1));
    }

    private void Refresh()
    {
        _now = Time.GetUtcNow();
        _workers = GatewaysEndpoints.Describe(Fleet);
    }

    private async Task ListAsync(string workerId)
    {
        _listed = workerId;
        _listError = null;
        _sessions = [];
        if (Fleet.Workers.Find(workerId)?.Gateway is not { } gateway)
        {
            _listError = L["Servers.NotGateway", Localization.Bidi.Isolate(workerId)];
            return;
        }

        try
        {
            _sessions = await ServerSessions.ListAsync(gateway, Fleet, CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException or TaskCanceledException)
        {
            _listError = L["Servers.NoAnswer", Localization.Bidi.Isolate(workerId), Localization.ConsoleText.Inline(Words.GatewayError(ex.Message))];
        }
    }

    private string Ago(DateTimeOffset? at) => at is { } t ? Words.Ago(_now - t) : L["Servers.Never"];

    private string StateLabel(string state) => state is "Up" or "Unknown" or "Failing" or "BreakerOpen" ? L[$"Servers.State.{state}"] : state;

    private static Color StateColor(string state) => state switch
    {
        "Up" => Color.Success,
        "Unknown" => Color.Default,
        _ => Color.Error,
    };

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
