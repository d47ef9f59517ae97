using System.Globalization;
using MudBlazor;
using WaDashboard.Core.Health;

namespace WaDashboard.Web.Components.Pages.Health;

/// <summary>
/// The Health page's chart data, made from a snapshot: one bar per hour of the whole 24 h window (hours without
/// disconnects stay on the axis at zero, so the bars read as a timeline), one stacked series per disconnect reason.
/// </summary>
public sealed record HealthCharts(
    List<ChartSeries<double>> States,
    string[] StateLabels,
    List<ChartSeries<double>> Disconnects,
    List<ChartSeries<double>> Attempts,
    string[] HourLabels,
    int DisconnectsTotal,
    int AttemptsTotal)
{
    public static readonly HealthCharts Empty = new([], [], [], [], [], 0, 0);

    public static HealthCharts From(FleetHealthSnapshot snapshot, TimeZoneInfo zone)
    {
        var hours = Hours(snapshot.At - FleetHealthReport.Window, snapshot.At);
        var index = hours.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i);
        double[] PerHour(IEnumerable<HourlyCount> counts)
        {
            var values = new double[hours.Count];
            foreach (var c in counts)
            {
                if (index.TryGetValue(c.Hour, out var i))
                {
                    values[i] += c.Count;
                }
            }

            return values;
        }

        var disconnects = snapshot.DisconnectsPerHour.GroupBy(h => h.Series).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartSeries<double> { Name = g.Key, Data = PerHour(g) }).ToList();
        var attempts = snapshot.ReconnectAttemptsPerHour.Count == 0 ? [] : new List<ChartSeries<double>>
        {
            new() { Name = "Attempts", Data = PerHour(snapshot.ReconnectAttemptsPerHour) },
        };
        return new HealthCharts(
            [new ChartSeries<double> { Name = "Accounts", Data = snapshot.ByState.Select(s => (double)s.Count).ToArray() }],
            snapshot.ByState.Select(s => s.State).ToArray(),
            disconnects,
            attempts,
            hours.Select(h => TimeZoneInfo.ConvertTime(h, zone).ToString("HH:00", CultureInfo.InvariantCulture)).ToArray(),
            snapshot.DisconnectsPerHour.Sum(h => h.Count),
            snapshot.ReconnectAttemptsPerHour.Sum(h => h.Count));
    }

    /// <summary>Every whole hour (UTC) from the one holding <paramref name="from"/> to the one holding <paramref name="to"/>.</summary>
    private static List<DateTimeOffset> Hours(DateTimeOffset from, DateTimeOffset to)
    {
        var first = new DateTimeOffset(from.UtcDateTime.Year, from.UtcDateTime.Month, from.UtcDateTime.Day, from.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        var hours = new List<DateTimeOffset>();
        for (var h = first; h <= to; h = h.AddHours(1))
        {
            hours.Add(h);
        }

        return hours;
    }
}
