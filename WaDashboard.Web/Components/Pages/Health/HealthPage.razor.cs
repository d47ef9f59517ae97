using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Health;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;

namespace WaDashboard.Web.Components.Pages.Health;

/// <summary>Rebuilt every 10 s (one timeline query), not on every event: the charts are about hours, not seconds.</summary>
public partial class HealthPage
{
    /// <summary>A chart bar: charts take plain labels, not time values.</summary>
    public sealed record HourBar(string Hour, int Count);

    private static List<HourBar> Bars(IEnumerable<HourlyCount> counts) =>
        counts.OrderBy(c => c.Hour).Select(c => new HourBar(c.Hour.ToLocalTime().ToString("HH:00"), c.Count)).ToList();

    private FleetHealthSnapshot? _snapshot;
    private LiveRefresh? _refresh;

    [Inject] private FleetHealthReport Report { get; set; } = default!;
    [Inject] private FleetEvents Events { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _snapshot = await Report.BuildAsync(CancellationToken.None);
        _refresh = new LiveRefresh(Events, _ => false, InvokeAsync, async () =>
        {
            _snapshot = await Report.BuildAsync(CancellationToken.None);
            StateHasChanged();
        }, Time, TimeSpan.FromSeconds(10));
    }

    private async Task RefreshAsync() => _snapshot = await Report.BuildAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_refresh is not null)
        {
            await _refresh.DisposeAsync();
        }
    }
}
