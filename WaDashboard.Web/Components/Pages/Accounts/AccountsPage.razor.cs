using Microsoft.AspNetCore.Components;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Health;
using Microsoft.AspNetCore.Components.Authorization;
using System.Security.Claims;
using WaDashboard.Web.Security;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;

using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class AccountsPage
{
    private const string AllStatuses = "All states";
    private const string NeedsYou = "Needs you";

    /// <summary>Dense rows with two lines of text; the virtualizer's estimate of one row's height, in pixels.</summary>
    private const float RowHeight = 57;

    private static readonly string[] StatusFilters =
        [AllStatuses, NeedsYou, .. Enum.GetNames<AccountStatus>()];

    private IReadOnlyList<AccountState> _accounts = [];
    private IReadOnlyList<AccountState> _rows = [];
    private FleetCounts _counts = new(0, 0, 0, 0);
    private LiveRefresh? _refresh;
    private string _search = "";
    private string _statusFilter = AllStatuses;
    private DateTimeOffset _now;
    private readonly HashSet<string> _selected = new(StringComparer.Ordinal);
    private IReadOnlyList<Alert> _alerts = [];
    private IReadOnlyDictionary<string, int> _queueDepths = new Dictionary<string, int>();

    // What the grid showed when it last rendered, to tell whether a fleet change concerns it.
    private readonly Dictionary<string, AccountState> _shown = new(StringComparer.Ordinal);
    private long _gridVersion;
    private IReadOnlyList<AccountState> _gridRows = [];
    private DateTimeOffset _gridRenderedAt;
    private bool _liveRender;
    private string? _message;
    private bool _busy;

    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private AlertCenter Alerts { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private ClaimsPrincipal _user = new();
    private bool _canOperate;
    [Inject] private Core.Messaging.Outbox Outbox { get; set; } = default!;

    private DateTimeOffset Now => _now;

    // With more than one worker (the simulator beside gateways, or several gateways), each row names its server.
    private bool _severalWorkers;

    protected override async Task OnInitializedAsync()
    {
        _severalWorkers = Fleet.Workers.Workers.Count > 1;
        _user = (await Authentication.GetAuthenticationStateAsync()).User;
        _canOperate = await Actions.CanAsync(_user, Policies.Operate);
        _refresh = new LiveRefresh(Events, e => e is AccountChanged or AccountRemoved or AlertRaised or AlertsDismissed, InvokeAsync, () =>
        {
            _liveRender = true;
            StateHasChanged();
            _liveRender = false;
            return Task.CompletedTask;
        }, Time, TimeSpan.FromSeconds(1), LiveRefresh.FleetPageInterval);
    }

    protected override void OnParametersSet()
    {
        Snapshot();
        RenderGrid();
    }

    /// <summary>
    /// Every render refreshes the summary and the alerts. The grid re-renders for anything a person did, and for a
    /// fleet change only when a row it shows changed, the rows it filters changed in number, or its "ago" times are a
    /// second old: with many tabs open, a change re-renders the grid of the tabs that show that account, not of all.
    /// </summary>
    protected override bool ShouldRender()
    {
        Snapshot();
        if (!_liveRender || GridIsStale())
        {
            RenderGrid();
        }

        return true;
    }

    private bool GridIsStale()
    {
        if (_now - _gridRenderedAt >= TimeSpan.FromSeconds(1) || !SameAccounts(_rows, _gridRows))
        {
            return true;
        }

        foreach (var (id, shown) in _shown)
        {
            if (!ReferenceEquals(Fleet.Get(id), shown))
            {
                return true;
            }
        }

        return false;
    }

    private void RenderGrid()
    {
        _gridVersion++;
        _gridRows = _rows;
        _gridRenderedAt = _now;
        _shown.Clear();
    }

    /// <summary>The same accounts in the same order (their states may differ).</summary>
    private static bool SameAccounts(IReadOnlyList<AccountState> a, IReadOnlyList<AccountState> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!string.Equals(a[i].Id, b[i].Id, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Once per render: the fleet's shared snapshot, its counts, and the rows this tab's filters keep.</summary>
    private void Snapshot()
    {
        _now = Time.GetUtcNow();
        _accounts = Fleet.Accounts;
        _counts = FleetCounts.Of(_accounts, _now);
        _alerts = Alerts.Recent;
        _queueDepths = Outbox.QueueDepths;
        var filter = new RowFilter(_search, _statusFilter);
        _rows = filter.IsEmpty ? _accounts : _accounts.Where(a => filter.Matches(a, _now)).ToList();
        if (_selected.Count > 0)
        {
            _selected.IntersectWith(_accounts.Select(a => a.Id));
        }
    }

    private int SelectedCount => _selected.Count;

    private bool AllShownSelected => Rows.Any() && Rows.All(a => _selected.Contains(a.Id));

    private void ToggleSelected(string id, ChangeEventArgs e)
    {
        if (e.Value is true)
        {
            _selected.Add(id);
        }
        else
        {
            _selected.Remove(id);
        }
    }

    private void ToggleAllShown(ChangeEventArgs e)
    {
        var shown = Rows.Select(a => a.Id).ToList();
        if (e.Value is true)
        {
            _selected.UnionWith(shown);
        }
        else
        {
            _selected.ExceptWith(shown);
        }
    }

    private async Task ReconnectSelectedAsync()
    {
        _busy = true;
        try
        {
            var results = await Actions.ReconnectManyAsync(_user, _selected.ToList(), CancellationToken.None);
            _message = L["Accounts.Bulk.Result", string.Join(L["Common.ListSeparator"], results.Values
                .GroupBy(r => r.Outcome)
                .OrderBy(g => g.Key)
                .Select(g => L[$"Accounts.Bulk.{g.Key}", g.Count()].Value))];
            _selected.Clear();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task FixAsync(AccountState account, AccountFix fix)
    {
        if (fix.Kind == AccountFixKind.Open)
        {
            Navigation.NavigateTo($"accounts/{account.Id}");
            return;
        }

        _busy = true;
        try
        {
            SessionCommand command = fix.Kind == AccountFixKind.Link ? new LinkCommand(Core.Engines.LinkMode.Qr) : new ReconnectCommand();
            var result = await Actions.SendAsync(_user, account.Id, command, CancellationToken.None);
            if (fix.ShowsCode && result.Accepted)
            {
                Navigation.NavigateTo($"accounts/{account.Id}");
                return;
            }

            _message = $"{Bidi.Isolate(account.Name)}{L["Common.Colon"]} {Words.Outcome(result)}";
        }
        finally
        {
            _busy = false;
        }
    }

    private void DismissAlerts() => Alerts.DismissAll();

    private IReadOnlyList<AccountState> Rows => _rows;

    /// <summary>The search box and the state filter, parsed once per render rather than once per account.</summary>
    private readonly struct RowFilter
    {
        private readonly string _search;
        private readonly string _digits;
        private readonly string _status;

        public RowFilter(string search, string status)
        {
            _search = search.Trim();
            _digits = new string(_search.Where(char.IsAsciiDigit).ToArray());
            _status = status;
        }

        public bool IsEmpty => _search.Length == 0 && _status == AllStatuses;

        public bool Matches(AccountState account, DateTimeOffset now)
        {
            if (_status == NeedsYou && !AccountStatusDescription.Describe(account, now).NeedsPerson)
            {
                return false;
            }

            if (_status is not (AllStatuses or NeedsYou) && account.Status.ToString() != _status)
            {
                return false;
            }

            return _search.Length == 0
                   || account.Name.Contains(_search, StringComparison.OrdinalIgnoreCase)
                   || (_digits.Length > 0 && account.Phone.Digits.Contains(_digits, StringComparison.Ordinal));
        }
    }

    private int QueueDepth(AccountState account) => _queueDepths.TryGetValue(account.Id, out var n) ? n : 0;

    private AccountStatusDescription Describe(AccountState account) => Words.Describe(account, _now);

    private string FilterText(string filter) => filter switch
    {
        AllStatuses => L["Accounts.Filter.All"],
        NeedsYou => L["Accounts.Filter.NeedsYou"],
        _ => Enum.TryParse<AccountStatus>(filter, out var status) ? Words.Status(status) : filter,
    };

    private static string Number(int value) => value.ToString("N0", System.Globalization.CultureInfo.CurrentCulture);

    /// <summary>An alert in the person's language: the state it reports, and the reason when there is one.</summary>
    private string AlertText(Alert alert) => Words.Alert(alert);

    private void OnSearchChanged(string? value) => _search = value ?? "";

    /// <summary>Called by the grid for each row it renders (the rows in view): what it shows, to tell later whether a change concerns it.</summary>
    private string RowRendered(AccountState account, int index)
    {
        _shown[account.Id] = account;
        return "wa-account-row";
    }

    private async Task OpenAddDialogAsync()
    {
        var options = new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, DefaultFocus = DefaultFocus.FirstChild };
        var dialog = await Dialogs.ShowAsync<AddAccountDialog>(L["Accounts.Add"], options);
        if (await dialog.Result is { Canceled: false, Data: AccountState account })
        {
            Snackbar.Add(L["Accounts.Added", Bidi.Isolate(account.Name)], Severity.Success);
            Navigation.NavigateTo($"accounts/{account.Id}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
