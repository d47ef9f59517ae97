using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Sessions;

/// <summary>Bound from "Supervision".</summary>
public sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>How often the shared deadline loop looks for due reconnects and start timeouts.</summary>
    public TimeSpan DeadlineTick { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Capacity of each account's input queue.</summary>
    [Range(8, 100_000)]
    public int QueueCapacity { get; set; } = 256;
}
