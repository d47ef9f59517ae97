using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Outbox;

/// <summary>
/// Every message of the outbox, newest first, filtered by account and status, with a person's actions: cancel, retry a
/// failed one, and decide on one whose outcome is unknown. Reloads at most once a second while messages change.
/// </summary>
public partial class OutboxPage
{
    public const int Take = 200;

    /// <summary>Rows per page of the table (the newest first).</summary>
    public const int PageSize = 50;

    /// <summary>Not an account id (those are generated, letters and digits only).</summary>
    private const string AllAccounts = "(all)";
    private const string AllStatuses = "All statuses";
    private const string NeedsYou = "Needs you";

    private static readonly string[] StatusChoices = [AllStatuses, NeedsYou, .. Enum.GetNames<OutboxStatus>()];

    private IReadOnlyList<OutboxMessage> _messages = [];
    private IReadOnlyDictionary<OutboxStatus, int> _counts = new Dictionary<OutboxStatus, int>();
    private LiveRefresh? _refresh;
    private DateTimeOffset _now;
    private string _accountFilter = AllAccounts;
    private string _statusFilter = AllStatuses;
    private string? _message;
    private bool _messageOk;
    private bool _busy;
    private int _dirty = 1;
    private int _page = 1;

    [Inject] private Core.Messaging.Outbox Outbox { get; set; } = default!;

    [Inject] private WaDashboard.Web.Security.OperatorActions Actions { get; set; } = default!;

    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private Fleet Fleet { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    /// <summary>?account=&lt;id or phone&gt;: opens the page filtered to one account.</summary>
    [SupplyParameterFromQuery(Name = "account")] public string? AccountQuery { get; set; }

    /// <summary>?status=Unknown (or any status, or "needs-you").</summary>
    [SupplyParameterFromQuery(Name = "status")] public string? StatusQuery { get; set; }

    private sealed record Choice(string Value, string Text);

    private IEnumerable<Choice> AccountChoices =>
        [new(AllAccounts, L["Diagnostics.AllAccounts"]), .. Fleet.Accounts.Select(a => new Choice(a.Id, $"{Localization.Bidi.Isolate(a.Name)} ({Localization.Bidi.Isolate(a.Phone.Value)})"))];

    private string AccountText(string? value) =>
        value is null or AllAccounts ? L["Diagnostics.AllAccounts"] : Fleet.Get(value) is { } a ? $"{Localization.Bidi.Isolate(a.Name)} ({Localization.Bidi.Isolate(a.Phone.Value)})" : value;

    private string StatusText(string? status) => status switch
    {
        null or AllStatuses => L["Outbox.Filter.All"],
        NeedsYou => L["Accounts.Filter.NeedsYou"],
        _ => L[$"Message.Label.{status}"],
    };

    private int PageCount => (_messages.Count + PageSize - 1) / PageSize;

    private IEnumerable<OutboxMessage> PageOfMessages => _messages.Skip((_page - 1) * PageSize).Take(PageSize);

    private Task FilterAsync(string? account, string? status)
    {
        _accountFilter = account ?? AllAccounts;
        _statusFilter = status ?? AllStatuses;
        _page = 1;
        return LoadAsync();
    }

    protected override async Task OnInitializedAsync()
    {
        if (AccountQuery is { Length: > 0 } account && Fleet.Find(account) is { } found)
        {
            _accountFilter = found.Id;
        }

        if (StatusQuery is { Length: > 0 } status)
        {
            _statusFilter = status.Equals("needs-you", StringComparison.OrdinalIgnoreCase) ? NeedsYou
                : Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var parsed) ? parsed.ToString() : AllStatuses;
        }

        _refresh = new LiveRefresh(Events, e =>
        {
            if (e is OutboxChanged or AccountRemoved)
            {
                Interlocked.Exchange(ref _dirty, 1); // coalesced: the once-a-second tick reloads
            }

            return false;
        }, InvokeAsync, OnTickAsync, Time, TimeSpan.FromSeconds(1));
        await LoadAsync();
    }

    private async Task OnTickAsync()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 1)
        {
            await LoadAsync();
        }
        else
        {
            _now = Time.GetUtcNow();
        }

        StateHasChanged();
    }

    private async Task LoadAsync()
    {
        Interlocked.Exchange(ref _dirty, 0);
        _now = Time.GetUtcNow();
        var statuses = _statusFilter switch
        {
            NeedsYou => [OutboxStatus.Failed, OutboxStatus.Unknown],
            AllStatuses => null,
            var name => new[] { Enum.Parse<OutboxStatus>(name) },
        };
        var accountId = _accountFilter == AllAccounts ? null : _accountFilter;
        _messages = await Outbox.ListAsync(new OutboxQuery(accountId, statuses, Take), CancellationToken.None);
        _page = Math.Clamp(_page, 1, Math.Max(1, PageCount)); // fewer messages now: stay on a page that exists
        _counts = await Outbox.CountByStatusAsync(accountId, CancellationToken.None);
    }

    private int Count(OutboxStatus status) => _counts.TryGetValue(status, out var n) ? n : 0;

    private OutboxMessageDescription Describe(OutboxMessage m) => Words.DescribeMessage(m, Fleet.Get(m.AccountId), _now);

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "…";

    private async Task ActAsync(OutboxMessage message, Func<Task<OutboxActionResult>> action)
    {
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            OutboxActionResult? result = null;
            var allowed = await Actions.TryActAsync(user, "message.action", message.AccountId, async () =>
            {
                result = await action();
                return Core.Audit.AuditNotes.Say("Audit.Message", message.Id, result.Message);
            }, CancellationToken.None);
            _message = !allowed ? L["Common.ViewOnly"]
                : result!.Done ? L[result.Updated?.Status switch
                {
                    OutboxStatus.Cancelled => "Outbox.Done.Cancelled",
                    OutboxStatus.Sent => "Outbox.Done.MarkedSent",
                    _ => "Outbox.Done.Queued",
                }, message.Id]
                : L["Outbox.ActionRefused", message.Id, Words.Quoted(OutboxNotes.Book, result.Message)];
            _messageOk = allowed && result!.Done;
        }
        finally
        {
            _busy = false;
        }

        await LoadAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
