namespace WaDashboard.Testing;

/// <summary>How <see cref="AppProcess"/> runs the app. The defaults suit a test; the bench waits longer for large fleets.</summary>
public sealed record AppProcessOptions
{
    /// <summary>
    /// Settings passed as environment variables on every run (e.g. <c>Messaging__MinSpacing=00:00:00</c>);
    /// <see cref="AppProcess.AppUrlPlaceholder"/> in a value stands for the run's base address.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>
    /// The folder the app works in (data in {folder}/data, HOME in {folder}/home), kept afterwards; null for a temp
    /// folder removed when the process is disposed.
    /// </summary>
    public string? WorkFolder { get; init; }

    /// <summary>Names the admin API key provisioned from configuration (Security:ApiKeys:{name}) and prefixes its value.</summary>
    public string ApiKeyName { get; init; } = "e2e";

    /// <summary>How long the app may take from its start to the first 200 from /healthz.</summary>
    public TimeSpan StartupPatience { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a SIGTERM may take before the app is killed.</summary>
    public TimeSpan StopPatience { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The timeout of each REST call of <see cref="AppProcess.Api"/>.</summary>
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
