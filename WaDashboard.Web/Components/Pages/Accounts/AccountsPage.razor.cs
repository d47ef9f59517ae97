using Microsoft.AspNetCore.Components;
using Radzen;
using Radzen.Blazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Accounts;

public partial class AccountsPage
{
    private const string AllStatuses = "All states";
    private const string NeedsYou = "Needs you";

    private static readonly string[] StatusFilters =
        [AllStatuses, NeedsYou, .. Enum.GetNames<AccountStatus>()];

    private IReadOnlyList<AccountState> _accounts = [];
    private LiveRefresh? _refresh;
    private RadzenDataGrid<AccountState>? _grid;
    private string _search = "";
    private string _statusFilter = AllStatuses;
    private DateTimeOffset _now;

    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private DialogService Dialogs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private DateTimeOffset Now => _now;

    protected override void OnInitialized()
    {
        _refresh = new LiveRefresh(Events, e => e is AccountChanged or AccountRemoved, InvokeAsync, () =>
        {
            StateHasChanged();
            return Task.CompletedTask;
        }, Time, TimeSpan.FromSeconds(1));
    }

    protected override void OnParametersSet() => Snapshot();

    protected override bool ShouldRender()
    {
        Snapshot();
        return true;
    }

    private void Snapshot()
    {
        _now = Time.GetUtcNow();
        _accounts = Fleet.Accounts;
    }

    private IEnumerable<AccountState> Rows => _accounts.Where(Matches);

    private bool Matches(AccountState account)
    {
        if (_statusFilter == NeedsYou && !Describe(account).NeedsPerson)
        {
            return false;
        }

        if (_statusFilter is not (AllStatuses or NeedsYou) && account.Status.ToString() != _statusFilter)
        {
            return false;
        }

        var search = _search.Trim();
        if (search.Length == 0)
        {
            return true;
        }

        var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
        return account.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
               || (digits.Length > 0 && account.Phone.Digits.Contains(digits, StringComparison.Ordinal));
    }

    private int Count(AccountStatus status) => _accounts.Count(a => a.Status == status);

    private int CountReconnecting => _accounts.Count(a => a.Status is AccountStatus.Reconnecting || (a.Status == AccountStatus.Starting && a.ReconnectAttempt > 0));

    private int CountNeedsPerson => _accounts.Count(a => Describe(a).NeedsPerson);

    private AccountStatusDescription Describe(AccountState account) => AccountStatusDescription.Describe(account, _now);

    private void OnSearchInput(ChangeEventArgs e) => _search = e.Value?.ToString() ?? "";

    private static void OnRowRender(RowRenderEventArgs<AccountState> args)
    {
        if (args.Data is { } account)
        {
            args.Attributes["data-account-id"] = account.Id;
            args.Attributes["data-phone"] = account.Phone.Value;
        }
    }

    private async Task OpenAddDialogAsync()
    {
        var added = await Dialogs.OpenAsync<AddAccountDialog>("Add account", options: new DialogOptions { Width = "28rem" });
        if (added is AccountState account)
        {
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
