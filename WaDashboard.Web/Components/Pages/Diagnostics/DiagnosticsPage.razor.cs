using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Diagnostics;

/// <summary>
/// /diagnostics: every finding of the fleet, worst first, each with its one action, and the cleanup job.
/// /diagnostics/{id}: one account's session in detail, its findings and its creds.json backups. An account that changes
/// is checked again by itself; a storage-wide change (cleanup, quarantine) checks everything again.
/// </summary>
public partial class DiagnosticsPage
{
    private Dictionary<string, AccountDiagnosis> _accounts = new(StringComparer.Ordinal);
    private IReadOnlyList<SessionFinding> _storageFindings = [];
    private IReadOnlyList<SessionFinding> _findings = [];
    private IReadOnlyList<CredsBackup> _backups = [];
    private readonly ConcurrentDictionary<string, bool> _dirty = new(StringComparer.Ordinal);
    private int _dirtyAll;
    private bool _loaded;
    private bool _busy;
    private string? _message;
    private bool _messageOk;
    private LiveRefresh? _refresh;
    private string? _loadedFor;

    [Parameter] public string? AccountId { get; set; }

    [Inject] private StorageDiagnostics Diagnostics { get; set; } = default!;

    [Inject] private WaDashboard.Web.Security.OperatorActions Actions { get; set; } = default!;

    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private WaDashboard.Core.Sessions.Fleet Fleet { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private string HeadingText => AccountId is { } id && _accounts.GetValueOrDefault(id) is { } a
        ? L["Diagnostics.TitleOf", Localization.Bidi.Isolate(a.Account.Name)]
        : L["Nav.Diagnostics"];

    private string PageTitleText => HeadingText;

    protected override async Task OnParametersSetAsync()
    {
        if (_refresh is not null && _loadedFor == AccountId)
        {
            return;
        }

        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }

        _loaded = false;
        _loadedFor = AccountId;
        var scope = AccountId;
        _refresh = new LiveRefresh(Events, e => Wants(e, scope), InvokeAsync, ApplyChangesAsync, Time);
        await LoadAllAsync();
    }

    /// <summary>Notes which accounts changed (called on the publisher's thread: quick, no rendering).</summary>
    private bool Wants(FleetEvent e, string? scope)
    {
        switch (e)
        {
            case AccountChanged changed when scope is null || changed.State.Id == scope:
                _dirty[changed.State.Id] = true;
                return true;
            case AccountRemoved removed when scope is null || removed.AccountId == scope:
                _dirty[removed.AccountId] = true;
                return true;
            case SessionStorageChanged { AccountId: null }:
                Interlocked.Exchange(ref _dirtyAll, 1);
                return true;
            case SessionStorageChanged { AccountId: { } id } when scope is null || id == scope:
                _dirty[id] = true;
                return true;
            default:
                return false;
        }
    }

    private async Task ReloadAsync()
    {
        await LoadAllAsync();
        StateHasChanged();
    }

    private async Task LoadAllAsync()
    {
        _dirty.Clear();
        Interlocked.Exchange(ref _dirtyAll, 0);
        if (AccountId is { } id)
        {
            var diagnosis = await Task.Run(() => Diagnostics.DiagnoseAsync(id, CancellationToken.None));
            _accounts = diagnosis is null ? new(StringComparer.Ordinal) : new(StringComparer.Ordinal) { [id] = diagnosis };
            _storageFindings = [];
            _backups = Diagnostics.Backups(id);
        }
        else
        {
            var fleet = await Task.Run(() => Diagnostics.DiagnoseFleetAsync(CancellationToken.None));
            _accounts = fleet.Accounts.ToDictionary(a => a.Account.Id, StringComparer.Ordinal);
            _storageFindings = fleet.StorageFindings;
        }

        _loaded = true;
        Resort();
    }

    private async Task ApplyChangesAsync()
    {
        if (Interlocked.Exchange(ref _dirtyAll, 0) == 1)
        {
            await LoadAllAsync();
        }
        else
        {
            foreach (var id in _dirty.Keys.ToList())
            {
                _dirty.TryRemove(id, out _);
                var diagnosis = await Task.Run(() => Diagnostics.DiagnoseAsync(id, CancellationToken.None));
                if (diagnosis is null)
                {
                    _accounts.Remove(id);
                }
                else
                {
                    _accounts[id] = diagnosis;
                }
            }

            if (AccountId is { } scope)
            {
                _backups = Diagnostics.Backups(scope);
            }

            Resort();
        }

        StateHasChanged();
    }

    private void Resort() => _findings = SessionFinding.Sort(_accounts.Values.SelectMany(a => a.Findings).Concat(_storageFindings));

    private async Task RunAsync(SessionFinding finding)
    {
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            var outcome = await Actions.ActAsync(user, $"storage.{finding.Action}", finding.AccountId,
                () => Diagnostics.RunAsync(finding, CancellationToken.None), o => o.Message, CancellationToken.None);
            if (outcome is null)
            {
                ShowMessage(L["Common.ViewOnly"], false);
                return;
            }

            if (outcome.ShowsCode && finding.AccountId is { } id)
            {
                Navigation.NavigateTo($"accounts/{id}");
                return;
            }

            ShowMessage((finding.AccountName is { } name ? Localization.Bidi.Isolate(name) + L["Common.Colon"] + " " : "") + Words.ActionOutcome(outcome), outcome.Done);
        }
        finally
        {
            _busy = false;
        }

        await ApplyChangesAsync();
    }

    private async Task RestoreAsync(CredsBackup backup)
    {
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            var outcome = await Actions.ActAsync(user, "storage.restore-creds", backup.AccountId,
                () => Diagnostics.RestoreCredsAsync(backup.AccountId, backup.Id, CancellationToken.None), o => o.Message, CancellationToken.None);
            ShowMessage(outcome is null ? L["Common.ViewOnly"] : Words.ActionOutcome(outcome), outcome?.Done == true);
        }
        finally
        {
            _busy = false;
        }

        _dirty[backup.AccountId] = true;
        await ApplyChangesAsync();
    }

    private void ShowMessage(string message, bool ok)
    {
        _message = message;
        _messageOk = ok;
    }

    private int Count(FindingSeverity severity) => _findings.Count(f => f.Severity == severity);

    private static string Flag(bool value) => value ? "true" : "false";

    private static string KeyFilesText(SessionInspection session) =>
        string.Join(", ", session.KeyFileCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            session.KeyFileGrowthPerDay.TryGetValue(p.Key, out var growth)
                ? string.Create(CultureInfo.InvariantCulture, $"{p.Value} {p.Key} ({growth:+0.#;-0.#;0}/day)")
                : string.Create(CultureInfo.InvariantCulture, $"{p.Value} {p.Key}")));

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
