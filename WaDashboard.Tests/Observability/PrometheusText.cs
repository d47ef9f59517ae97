using System.Globalization;
using System.Text.RegularExpressions;

namespace WaDashboard.Tests.Observability;

/// <summary>One sample of a Prometheus text exposition: a series name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads the Prometheus text format (what /metrics answers) into samples.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value.Replace("\\\"", "\"", StringComparison.Ordinal));
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, value));
        }

        return samples;
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public static double Value(this IReadOnlyList<PrometheusSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    public static bool Has(this IReadOnlyList<PrometheusSample> samples, string name, params (string Name, string Value)[] labels) =>
        samples.Any(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The metric names a PromQL text uses (those of this app, ASP.NET Core and the runtime).</summary>
    public static IReadOnlySet<string> MetricNames(string promQlOrJson) =>
        MetricName().Matches(promQlOrJson).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex Label();

    [GeneratedRegex(@"\b(?:wadashboard|http_server|http_client|aspnetcore|kestrel|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
