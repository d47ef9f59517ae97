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

    private string RetentionText => Retention.TotalDays >= 1 ? L["Cleanup.Days", Retention.TotalDays.ToString("0.#", System.Globalization.CultureInfo.CurrentCulture)]
        : L["Cleanup.Hours", Retention.TotalHours.ToString("0.#", System.Globalization.CultureInfo.CurrentCulture)];

    private string StatusText => _progress.Phase switch
    {
        CleanupPhase.Planning => _progress.DryRun ? L["Cleanup.Planning.DryRun"] : L["Cleanup.Planning"],
        CleanupPhase.Running => L["Cleanup.Running", _progress.Processed, _progress.Total, Words.Size(_progress.BytesFreed)],
        CleanupPhase.Finished => _progress.DryRun ? L["Cleanup.Finished.DryRun"] : L["Cleanup.Finished", _progress.Total],
        CleanupPhase.Failed => L["Cleanup.Failed", Localization.Bidi.Isolate(_progress.Error ?? "")],
        _ => "",
    };

    /// <summary>What the run did or would do, as <see cref="CleanupReport.Summary"/> says it for the API.</summary>
    private string Summary(CleanupReport report)
    {
        var kept = report.Plan.Kept.Count > 0 ? " " + L["Cleanup.Summary.Kept", report.Plan.Kept.Count] : "";
        if (report.DryRun)
        {
            return report.Plan.ToDo.Count == 0
                ? L["Cleanup.Summary.Nothing"] + kept
                : L["Cleanup.Summary.Would", report.Plan.ToDo.Count, Words.Size(report.Plan.BytesFreedAtOnce), Words.Size(report.Plan.BytesQuarantined), RetentionText] + kept;
        }

        var failed = report.Failed > 0 ? " " + L["Cleanup.Summary.Failed", report.Failed] : "";
        return L["Cleanup.Summary.Done", report.Done, Words.Size(report.BytesFreed), Words.Size(report.BytesQuarantined), RetentionText] + failed + kept;
    }

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
            refused = L["Common.ViewOnly"];
        }

        _message = refused is null ? null : L["Outcome.Refused", Localization.ConsoleText.Inline(Words.Answer(refused))].Value;
        _progress = Job.Progress;
    }

    private static CleanupItemResult? Result(CleanupReport report, CleanupItem item) => report.Results.FirstOrDefault(r => r.Item == item);

    private string KindText(CleanupKind kind) => L[$"Cleanup.Kind.{kind}"];

    private string OutcomeText(CleanupReport report, CleanupItem item, CleanupItemResult? result) =>
        item.KeptBecause is { } kept ? L["Cleanup.LeftAlone", Localization.ConsoleText.Inline(Words.KeptBecause(kept))]
        : report.DryRun ? (item.FreesAtOnce ? L["Cleanup.WouldDelete"] : L["Cleanup.WouldQuarantine"])
        : result is null ? ""
        : L[$"Cleanup.Item.{result.Outcome}", Localization.ConsoleText.Inline(Words.Answer(result.Message))];

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
