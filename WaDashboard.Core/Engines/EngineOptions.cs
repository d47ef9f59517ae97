using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Engines;

/// <summary>Bound from "Engine".</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>
    /// "Simulator" (the embedded default): the simulator is available beside any configured gateway servers.
    /// "Gateways": only the servers under Gateways:Servers drive sessions; the simulator and its endpoints are off.
    /// </summary>
    [RegularExpression("^(?i)(simulator|gateways)$", ErrorMessage = "Engine:Kind must be \"Simulator\" (simulator beside any gateways) or \"Gateways\" (gateway servers only).")]
    public string Kind { get; set; } = "Simulator";

    public bool IsSimulator => string.Equals(Kind, "Simulator", StringComparison.OrdinalIgnoreCase);
}
