using System.ComponentModel.DataAnnotations;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Observability;

/// <summary>Bound from "Observability" (documented in appsettings.json). Validated at start.</summary>
public sealed class ObservabilityOptions : IValidatableObject
{
    public const string Section = "Observability";

    /// <summary>
    /// A key that may read /metrics and nothing else, sent by Prometheus as <c>Authorization: Bearer …</c>. Empty: only
    /// an Admin (signed in, or with an Admin key in X-Api-Key) may scrape.
    /// </summary>
    public string MetricsKey { get; set; } = "";

    /// <summary>Where Prometheus scrapes.</summary>
    public string MetricsPath { get; set; } = "/metrics";

    public OtlpOptions Otlp { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(MetricsKey) && SecretRules.Problem(MetricsKey) is { } problem)
        {
            yield return new ValidationResult($"Observability:MetricsKey {problem}");
        }

        if (!MetricsPath.StartsWith('/') || MetricsPath.StartsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"Observability:MetricsPath must start with / and lie outside /api (was '{MetricsPath}').");
        }

        if (!string.IsNullOrWhiteSpace(Otlp.Endpoint)
            && (!Uri.TryCreate(Otlp.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult($"Observability:Otlp:Endpoint must be an http(s) URL such as http://otel-collector:4317 (was '{Otlp.Endpoint}').");
        }

        if (Otlp.Protocol is not ("grpc" or "http/protobuf"))
        {
            yield return new ValidationResult($"Observability:Otlp:Protocol must be grpc or http/protobuf (was '{Otlp.Protocol}').");
        }
    }
}

/// <summary>The OpenTelemetry collector metrics and traces are pushed to. No endpoint: nothing is exported, no span is recorded.</summary>
public sealed class OtlpOptions
{
    public string Endpoint { get; set; } = "";

    public string Protocol { get; set; } = "grpc";

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}
