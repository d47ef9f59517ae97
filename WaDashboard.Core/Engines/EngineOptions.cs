using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Engines;

/// <summary>Bound from "Engine".</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>Which engine drives the sessions. "Simulator" is the embedded default (gateways come later).</summary>
    [RegularExpression("^(?i)simulator$", ErrorMessage = "Engine:Kind must be \"Simulator\" (the only engine in this version).")]
    public string Kind { get; set; } = "Simulator";

    public bool IsSimulator => string.Equals(Kind, "Simulator", StringComparison.OrdinalIgnoreCase);
}
