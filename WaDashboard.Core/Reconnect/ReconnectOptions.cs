using System.ComponentModel.DataAnnotations;

namespace WaDashboard.Core.Reconnect;

/// <summary>Bound from the "Reconnect" section of appsettings.json.</summary>
public sealed class ReconnectOptions : IValidatableObject
{
    public const string Section = "Reconnect";

    /// <summary>Base of the full-jitter exponential backoff.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest backoff delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Backoff multiplier for ServiceUnavailable (503).</summary>
    [Range(1, 100)]
    public double ServiceUnavailableFactor { get; set; } = 4;

    /// <summary>How long an account keeps trying after its first failure before it gives up.</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Unknown reasons are retried at most this many times.</summary>
    [Range(0, 1000)]
    public int UnknownMaxAttempts { get; set; } = 10;

    /// <summary>More than this many disconnects inside <see cref="LoopWindow"/> pauses auto-reconnect.</summary>
    [Range(1, 1000)]
    public int LoopMaxDisconnects { get; set; } = 5;

    public TimeSpan LoopWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A start (connect attempt) that has not connected or failed by then counts as a timeout.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A restore start that hangs past <see cref="StartTimeout"/> is retried at most this many times in a row; then the
    /// session folder is checked: a corrupt one is quarantined and a person is asked for a QR code, an intact one is
    /// kept and automatic reconnect pauses until a person clicks Reconnect.
    /// </summary>
    [Range(0, 100)]
    public int StartRetries { get; set; } = 2;

    /// <summary>How often the connection monitor looks for overdue retries, stuck starts and drift against the engine.</summary>
    public TimeSpan MonitorInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Connect attempts started per second, as a percentage of the fleet (a storm of drops is paced, not a stampede).</summary>
    [Range(0.01, 100)]
    public double ConnectRatePercent { get; set; } = 2;

    /// <summary>The connect rate never goes below this many per second, however small the fleet.</summary>
    [Range(0.1, 100_000)]
    public double MinConnectsPerSecond { get; set; } = 5;

    /// <summary>Fleet-wide limit on connect attempts in flight at once.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentConnects { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseDelay <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Reconnect:BaseDelay must be positive.", [nameof(BaseDelay)]);
        }

        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult("Reconnect:MaxDelay must be at least Reconnect:BaseDelay.", [nameof(MaxDelay)]);
        }

        if (Budget <= TimeSpan.Zero || LoopWindow <= TimeSpan.Zero || StartTimeout <= TimeSpan.Zero || MonitorInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Reconnect:Budget, LoopWindow, StartTimeout and MonitorInterval must be positive.");
        }
    }
}
