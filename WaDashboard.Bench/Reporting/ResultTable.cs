using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaDashboard.Bench.Reporting;

/// <summary>Prints a scenario as a table (product, floor, ratio, target, PASS/FAIL) and writes the whole run as JSON.</summary>
public static class ResultTable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Render(ScenarioReport report)
    {
        var rows = new List<string[]> { new[] { "metric", "product", "floor", "ratio", "target", "result" } };
        foreach (var m in report.Metrics)
        {
            rows.Add(
            [
                m.Name,
                WithUnit(m.Product, m.Unit),
                m.Floor is { } f ? WithUnit(f, m.Unit) : "-",
                m.Ratio is { } r ? r.ToString(r >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture) + "x" : "-",
                m.Target ?? "-",
                m.Pass switch { true => "PASS", false => "FAIL", null => "" },
            ]);
        }

        var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"== {report.Scenario}: {report.Title} ({report.Seconds:0.0} s) ==");
        text.AppendLine(CultureInfo.InvariantCulture, $"   floor: {report.Floor}");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            text.Append("   ").Append(row[0].PadRight(widths[0]));
            for (var c = 1; c < 5; c++)
            {
                text.Append("  ").Append(row[c].PadLeft(widths[c]));
            }

            text.Append("  ").AppendLine(row[5]);
            if (i == 0)
            {
                text.Append("   ").AppendLine(new string('-', widths.Sum() + 2 * 5));
            }
        }

        foreach (var miss in report.Metrics.Where(m => m.Miss is not null))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"   MISSED {miss.Name}: {miss.Miss}.");
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"   note: {note}");
        }

        return text.ToString();
    }

    public static string WithUnit(double value, string unit) =>
        double.IsFinite(value) ? $"{Target.Format(value)} {unit}".TrimEnd() : "n/a";

    public static async Task WriteJsonAsync(BenchReport report, string path)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await using var file = File.Create(full);
        await JsonSerializer.SerializeAsync(file, report, Json);
    }
}
