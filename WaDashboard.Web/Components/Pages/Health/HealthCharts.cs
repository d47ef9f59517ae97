using System.Globalization;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Health;
using WaDashboard.Core.Reconnect;
using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Health;

/// <summary>
/// The Health page's chart data, made from a snapshot: one bar per hour of the whole 24 h window (hours without
/// disconnects stay on the axis at zero, so the bars read as a timeline), one stacked series per disconnect reason.
/// </summary>
public sealed record HealthCharts(
    List<ChartSeries<double>> States,
    string[] StateLabels,
    DonutChartOptions StateOptions,
    List<ChartSeries<double>> Disconnects,
    StackedBarChartOptions DisconnectOptions,
    List<ChartSeries<double>> Attempts,
    string[] HourLabels,
    int DisconnectsTotal,
    int AttemptsTotal)
{
    public static readonly HealthCharts Empty = new([], [], new DonutChartOptions(), [], new StackedBarChartOptions(), [], [], 0, 0);

    /// <summary>Each state in the colour of its badge on the Accounts page (app.css, .wa-status-*).</summary>
    private static readonly Dictionary<string, string> StateColours = new(StringComparer.Ordinal)
    {
        ["New"] = "#78909c",
        ["Starting"] = "#42a5f5",
        ["AwaitingQrScan"] = "#7e57c2",
        ["AwaitingPairingCode"] = "#5c6bc0",
        ["Connected"] = "#2e7d32",
        ["Disconnected"] = "#ef6c00",
        ["Reconnecting"] = "#f9a825",
        ["LoggedOut"] = "#c62828",
        ["Replaced"] = "#ad1457",
        ["Banned"] = "#212121",
        ["SessionCorrupt"] = "#6d4c41",
        ["QrExpired"] = "#9e9d24",
        ["GaveUp"] = "#8e24aa",
        ["Stopped"] = "#546e7a",
    };

    /// <summary>Reasons a person must act on in the colour of the state they lead to; the transient ones in warm tones.</summary>
    private static readonly Dictionary<string, string> ReasonColours = new(StringComparer.Ordinal)
    {
        ["ConnectionLost"] = "#ef6c00",
        ["Timeout"] = "#f9a825",
        ["KeepAliveTimeout"] = "#ffb300",
        ["ServiceUnavailable"] = "#42a5f5",
        ["Replaced"] = "#ad1457",
        ["LoggedOut"] = "#c62828",
        ["Banned"] = "#616161",
        ["SessionCorrupt"] = "#6d4c41",
        ["ClientOutdated"] = "#9e9d24",
        ["Unknown"] = "#78909c",
    };

    /// <summary>The series, legends and labels in the person's language (<paramref name="words"/>); the colours by the stable codes.</summary>
    public static HealthCharts From(FleetHealthSnapshot snapshot, TimeZoneInfo zone, ConsoleText words)
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

        var reasons = snapshot.DisconnectsPerHour.GroupBy(h => h.Series).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var disconnects = reasons
            .Select(g => new ChartSeries<double> { Name = Enum.TryParse<DisconnectReason>(g.Key, out var reason) ? words.ReasonTitle(reason) : g.Key, Data = PerHour(g) })
            .ToList();
        var attempts = snapshot.ReconnectAttemptsPerHour.Count == 0 ? [] : new List<ChartSeries<double>>
        {
            new() { Name = words.Ui["Health.Series.Attempts"], Data = PerHour(snapshot.ReconnectAttemptsPerHour) },
        };
        return new HealthCharts(
            [new ChartSeries<double> { Name = words.Ui["Health.Series.Accounts"], Data = snapshot.ByState.Select(s => (double)s.Count).ToArray() }],
            snapshot.ByState.Select(s => Enum.TryParse<AccountStatus>(s.State, out var status) ? words.Status(status) : s.State).ToArray(),
            new DonutChartOptions { ChartPalette = snapshot.ByState.Select(s => StateColours.GetValueOrDefault(s.State, "#9e9e9e")).ToArray() },
            disconnects,
            new StackedBarChartOptions
            {
                XAxisLabelInterval = 3,
                YAxisTicks = 0,
                YAxisFormat = "0",
                ShowZeroValues = false,
                ChartPalette = reasons.Select(g => ReasonColours.GetValueOrDefault(g.Key, "#9e9e9e")).ToArray(),
            },
            attempts,
            hours.Select(h => TimeZoneInfo.ConvertTime(h, zone).ToString("HH:00", CultureInfo.CurrentCulture)).ToArray(),
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
