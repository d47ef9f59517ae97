using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Core.StorageJobs;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Diagnostics;

public partial class CleanupPanel
{
    private const int MaxRows = 200;

    private CleanupProgress _progress = CleanupProgress.Idle;
    private CleanupReport? _report;
    private string? _message;
    private LiveRefresh? _refresh;

    [Inject] private SessionCleanupJob Job { get; set; } = default!;

    [Inject] private WaDashboard.Web.Security.OperatorActions Actions { get; set; } = default!;

    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IOptions<SessionStorageOptions> Options { get; set; } = default!;

    /// <summary>Called when a run (not a dry run) finished, so the page can check the folders again.</summary>
    [Parameter] public EventCallback OnFinished { get; set; }

    private TimeSpan Retention => Options.Value.QuarantineRetention;

    private string RetentionText => Retention.TotalDays >= 1 ? $"{Retention.TotalDays:0.#} days" : $"{Retention.TotalHours:0.#} h";

    private string StatusText => _progress.Phase switch
    {
        CleanupPhase.Planning => _progress.DryRun ? "Dry run: scanning the session folders…" : "Scanning the session folders…",
        CleanupPhase.Running => $"Cleaning up: {_progress.Processed} of {_progress.Total} done, {SessionInspector.FormatSize(_progress.BytesFreed)} freed so far.",
        CleanupPhase.Finished => _progress.DryRun ? "Dry run finished; nothing was changed." : $"Finished: {_progress.Total} item(s) processed.",
        CleanupPhase.Failed => "The cleanup failed: " + _progress.Error,
        _ => "",
    };

    protected override void OnInitialized()
    {
        _progress = Job.Progress;
        _report = Job.LastReport;
        long lastSeenRun = _report?.RunId ?? 0;
        _refresh = new LiveRefresh(Events, e => e is CleanupProgressed, InvokeAsync, async () =>
        {
            _progress = Job.Progress;
            if (Job.LastReport is { } report && report.RunId != lastSeenRun && _progress.Phase is CleanupPhase.Finished)
            {
                lastSeenRun = report.RunId;
                _report = report;
                if (!report.DryRun)
                {
                    await OnFinished.InvokeAsync();
                }
            }

            StateHasChanged();
        }, Time);
    }

    private async Task Start(bool dryRun)
    {
        var user = (await Authentication.GetAuthenticationStateAsync()).User;
        string? refused = null;
        if (!await Actions.TryActAsync(user, dryRun ? "storage.cleanup.dry-run" : "storage.cleanup.run", null, () =>
            {
                refused = Job.TryStart(dryRun, out _, out var message) ? null : message;
                return Task.FromResult(refused ?? "started");
            }, CancellationToken.None))
        {
            refused = WaDashboard.Web.Security.OperatorActions.ViewOnly;
        }

        _message = refused;
        _progress = Job.Progress;
    }

    private static CleanupItemResult? Result(CleanupReport report, CleanupItem item) => report.Results.FirstOrDefault(r => r.Item == item);

    private static string KindText(CleanupKind kind) => kind switch
    {
        CleanupKind.OrphanFolder => "Folder without an account",
        CleanupKind.SupersededGeneration => "Old session generation",
        CleanupKind.Caches => "Caches",
        CleanupKind.StaleLocks => "Stale lock",
        CleanupKind.TempFiles => "Temp files",
        CleanupKind.ExpiredQuarantine => "Expired quarantine entry",
        _ => kind.ToString(),
    };

    private static string OutcomeText(CleanupReport report, CleanupItem item, CleanupItemResult? result) =>
        item.KeptBecause is { } kept ? "Left alone: " + kept
        : report.DryRun ? (item.FreesAtOnce ? "Delete (frees space at once)" : "Move to the quarantine")
        : result is null ? ""
        : $"{result.Outcome}: {result.Message}";

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
