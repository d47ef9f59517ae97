using System.ComponentModel.DataAnnotations;
using WaDashboard.Web.Observability;

namespace WaDashboard.Tests.Observability;

public sealed class ObservabilityOptionsTests
{
    private static IReadOnlyList<string> Problems(ObservabilityOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }

    [Fact]
    public void The_defaults_are_valid_an_admin_alone_scrapes_and_nothing_is_exported() =>
        Assert.Empty(Problems(new ObservabilityOptions()));

    [Theory]
    [InlineData("changeme-changeme-changeme", "placeholder")]
    [InlineData("short", "at least 24")]
    public void A_metrics_key_that_is_a_placeholder_or_short_stops_the_app(string key, string says) =>
        Assert.Contains(Problems(new ObservabilityOptions { MetricsKey = key }), p => p.StartsWith("Observability:MetricsKey", StringComparison.Ordinal) && p.Contains(says, StringComparison.Ordinal));

    [Theory]
    [InlineData("metrics")]
    [InlineData("/api/metrics")]
    public void The_metrics_path_must_be_absolute_and_outside_the_api(string path) =>
        Assert.Contains(Problems(new ObservabilityOptions { MetricsPath = path }), p => p.StartsWith("Observability:MetricsPath", StringComparison.Ordinal));

    [Theory]
    [InlineData("otel-collector:4317", "grpc")]
    [InlineData("ftp://collector", "grpc")]
    [InlineData("http://collector:4318", "udp")]
    public void An_otlp_endpoint_must_be_an_http_url_and_the_protocol_known(string endpoint, string protocol) =>
        Assert.NotEmpty(Problems(new ObservabilityOptions { Otlp = new OtlpOptions { Endpoint = endpoint, Protocol = protocol } }));

    [Fact]
    public void A_random_metrics_key_and_a_collector_url_are_accepted() =>
        Assert.Empty(Problems(new ObservabilityOptions
        {
            MetricsKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            Otlp = new OtlpOptions { Endpoint = "http://otel-collector:4317" },
        }));
}
