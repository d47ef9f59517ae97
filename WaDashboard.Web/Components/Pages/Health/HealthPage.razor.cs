using Microsoft.AspNetCore.Components;
using MudBlazor;
using WaDashboard.Core.Health;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Health;

/// <summary>Rebuilt every 10 s (one timeline query), not on every event: the charts are about hours, not seconds.</summary>
public partial class HealthPage
{
    /// <summary>25 hourly bars: every third hour is labelled; values are whole numbers (the disconnects chart's options come with its data).</summary>
    private static readonly BarChartOptions AttemptChartOptions = new() { XAxisLabelInterval = 3, YAxisTicks = 0, YAxisFormat = "0" };

    private FleetHealthSnapshot? _snapshot;
    private HealthCharts _charts = HealthCharts.Empty;
    private LiveRefresh? _refresh;

    [Inject] private FleetHealthReport Report { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _refresh = new LiveRefresh(Events, _ => false, InvokeAsync, async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }, Time, TimeSpan.FromSeconds(10));
    }

    private string AsOf => TimeZoneInfo.ConvertTime(_snapshot!.At, Time.LocalTimeZone).ToString("T", System.Globalization.CultureInfo.CurrentCulture);

    private static string Number(double value, string format = "N0") => value.ToString(format, System.Globalization.CultureInfo.CurrentCulture);

    private Task RefreshAsync() => LoadAsync();

    private string StateText(string state) => Enum.TryParse<Core.Accounts.AccountStatus>(state, out var status) ? Words.Status(status) : state;

    private async Task LoadAsync()
    {
        var snapshot = await Report.BuildAsync(CancellationToken.None);
        _charts = HealthCharts.From(snapshot, Time.LocalTimeZone, Words);
        _snapshot = snapshot;
    }

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
