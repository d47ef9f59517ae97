using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Authorization;
using System.Security.Claims;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class AccountPage
{
    private AccountState? _account;
    private IReadOnlyList<TimelineEntry> _timeline = [];
    private LiveRefresh? _refresh;
    private DateTimeOffset _now;
    private string? _message;
    private bool _messageOk;
    private bool _busy;
    private AccountStatus? _timelineLoadedFor;
    private string? _timelineNote;

    [Parameter] public string Id { get; set; } = "";

    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private QrCodeRenderer QrRenderer { get; set; } = default!;
    [Inject] private IOptions<EngineOptions> Engine { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private ClaimsPrincipal _user = new();
    private bool _canOperate;

    protected override async Task OnInitializedAsync()
    {
        _user = (await Authentication.GetAuthenticationStateAsync()).User;
        _canOperate = await Actions.CanAsync(_user, Policies.Operate);
    }

    private bool IsSimulator => Engine.Value.IsSimulator && _account?.WorkerId == Core.Engines.Workers.EngineWorker.SimulatorId;

    private bool CanLink => _account is { } a && a.Status is not (AccountStatus.Connected or AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode);

    protected override async Task OnParametersSetAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        var id = Id;
        _refresh = new LiveRefresh(Events, e => e is AccountChanged c && c.State.Id == id || e is AccountRemoved r && r.AccountId == id
                                                || e is Core.Messaging.OutboxChanged o && o.AccountId == id,
            InvokeAsync, RefreshAsync, Time, TimeSpan.FromSeconds(1));
        await RefreshAsync();
    }

    /// <summary>Reads the live state; reloads the timeline only when the account actually changed.</summary>
    private async Task RefreshAsync()
    {
        _now = Time.GetUtcNow();
        _account = Fleet.Get(Id);
        if (_account is not null && (_timelineLoadedFor != _account.Status || _timelineNote != _account.Note))
        {
            _timelineLoadedFor = _account.Status;
            _timelineNote = _account.Note;
            _timeline = await Fleet.GetTimelineAsync(_account.Id, 100, CancellationToken.None);
        }

        StateHasChanged();
    }

    private async Task RunAsync(SessionCommand command)
    {
        if (_account is null)
        {
            return;
        }

        _busy = true;
        try
        {
            var result = await Actions.SendAsync(_user, _account.Id, command, CancellationToken.None);
            ShowMessage(Words.Outcome(result), result.Accepted);
        }
        finally
        {
            _busy = false;
        }

        await RefreshAsync();
    }

    private void ShowMessage((string Message, bool Ok) message) => ShowMessage(message.Message, message.Ok);

    private void ShowMessage(string message, bool ok)
    {
        _message = message;
        _messageOk = ok;
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
