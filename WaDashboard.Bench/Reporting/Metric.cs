using System.Globalization;
using System.Text.Json.Serialization;

namespace WaDashboard.Bench.Reporting;

public enum TargetKind
{
    /// <summary>The product's value must be at most the limit.</summary>
    AtMost,
    /// <summary>The product's value must be at least the limit.</summary>
    AtLeast,
    /// <summary>The product's value must be at least this share of the floor's (a rate).</summary>
    AtLeastShareOfFloor,
}

/// <summary>A performance target, checked against a measured value.</summary>
public sealed record Target(TargetKind Kind, double Limit, string Text)
{
    public static Target AtMost(double limit, string unit) => new(TargetKind.AtMost, limit, $"<= {Format(limit)} {unit}".TrimEnd());

    public static Target AtLeast(double limit, string unit) => new(TargetKind.AtLeast, limit, $">= {Format(limit)} {unit}".TrimEnd());

    public static Target ShareOfFloor(double share) => new(TargetKind.AtLeastShareOfFloor, share, $">= {share * 100:0}% of floor");

    public bool IsMet(double product, double? floor) => Kind switch
    {
        TargetKind.AtMost => product <= Limit,
        TargetKind.AtLeast => product >= Limit,
        _ => floor is > 0 && product / floor.Value >= Limit,
    };

    /// <summary>How far from the target a miss is, in words.</summary>
    public string Shortfall(double product, double? floor, string unit) => Kind switch
    {
        TargetKind.AtMost => $"{Format(product - Limit)} {unit} over ({product / Limit:0.0#}x the limit)",
        TargetKind.AtLeast => $"{Format(Limit - product)} {unit} short ({product / Limit * 100:0}% of the target)",
        _ => floor is > 0 ? $"{product / floor.Value * 100:0}% of the floor instead of {Limit * 100:0}%" : "no floor measured",
    };

    public static string Format(double value) => Math.Abs(value) switch
    {
        >= 100 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}

/// <summary>One line of a scenario's table: the product's value, the floor's beside it, and the target if there is one.</summary>
public sealed record Metric(
    string Name,
    string Unit,
    double Product,
    double? Floor = null,
    [property: JsonIgnore] Target? Goal = null,
    string? Note = null)
{
    /// <summary>Product over floor; for rates and times alike, how many floors the product is.</summary>
    public double? Ratio => Floor is { } f && f != 0 && double.IsFinite(f) ? Product / f : null;

    public string? Target => Goal?.Text;

    public bool? Pass => Goal?.IsMet(Product, Floor);

    public string? Miss => Pass == false ? Goal!.Shortfall(Product, Floor, Unit) : null;
}

/// <summary>A scenario's results: its metrics, the floor it was measured against, and notes on how.</summary>
public sealed record ScenarioReport(
    string Scenario,
    string Title,
    int Accounts,
    string Floor,
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<string> Notes,
    double Seconds);

public sealed record MachineInfo(int Cores, string Os, string Runtime, string Configuration, string Commit);

public sealed record BenchReport(
    string Command,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    IReadOnlyList<ScenarioReport> Scenarios,
    IReadOnlyList<string> Failures);
