using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Web.Observability;

public static class ObservabilityRegistration
{
    public const string ServiceName = "wadashboard";

    /// <summary>
    /// OpenTelemetry over the dashboard's meter and spans plus ASP.NET Core, HttpClient and runtime instruments; the
    /// Prometheus exporter; OTLP for metrics and traces when Observability:Otlp:Endpoint is set (traces are recorded only
    /// then); the OpenAPI document; readiness checks.
    /// </summary>
    public static IServiceCollection AddWaDashboardObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var otlp = configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>()?.Otlp ?? new OtlpOptions();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(ObservabilityRegistration).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WaDashboardMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddPrometheusExporter();
                if (otlp.Enabled)
                {
                    metrics.AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/metrics"));
                }
            });
        if (otlp.Enabled)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(WaDashboardActivities.SourceName)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !http.Request.Path.StartsWithSegments("/_blazor")
                    && !http.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddOtlpExporter(exporter => Configure(exporter, otlp, "v1/traces")));
        }

        services.AddApiDocument();
        services.AddHealthChecks();
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<Core.Engines.Gateways.GatewayOptions>>((health, gateways) =>
            ReadinessProbes.AddReadinessChecks(health, gateways.Value));
        return services;
    }

    /// <summary>
    /// The reference page's script policy (before the security headers, so it has the last word on that page), then
    /// /metrics, the health probes, /openapi/v1.json and the reference page.
    /// </summary>
    public static WebApplication UseWaDashboardObservability(this WebApplication app)
    {
        app.UseReferencePagePolicy();
        var options = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        app.MapPrometheusScrapingEndpoint(options.MetricsPath, meterProvider: null, configureBranchedPipeline: MetricsEndpoint.Gate, optionsName: null)
            .AllowAnonymous();
        app.MapReadinessProbes();
        app.MapApiDocument();
        return app;
    }

    /// <summary>
    /// One collector for both signals. Over gRPC the endpoint is the collector; over HTTP each signal has its path, which
    /// the exporter does not add to an endpoint set in code (only to one from OTEL_EXPORTER_OTLP_ENDPOINT).
    /// </summary>
    private static void Configure(OtlpExporterOptions exporter, OtlpOptions otlp, string signalPath)
    {
        var endpoint = new Uri(otlp.Endpoint);
        if (otlp.Protocol == "http/protobuf")
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(new Uri(endpoint.ToString().TrimEnd('/') + "/"), signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }
    }
}
