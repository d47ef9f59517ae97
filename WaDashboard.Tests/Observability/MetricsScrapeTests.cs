using System.Net;
using System.Text.Json;
using WaDashboard.Tests.EndToEnd;

namespace WaDashboard.Tests.Observability;

/// <summary>What Prometheus reads from the real app after the fleet in <see cref="ScrapedFleet"/> dropped, reconnected and sent.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class MetricsScrapeTests(ScrapedFleet fleet) : IClassFixture<ScrapedFleet>
{
    private IReadOnlyList<PrometheusSample> Scrape => fleet.Scrape;

    [Fact]
    public void Accounts_are_counted_by_state_and_server_as_the_api_lists_them()
    {
        foreach (var state in fleet.Accounts.GroupBy(a => a.GetProperty("status").GetString()!))
        {
            Assert.Equal(state.Count(), Scrape.Value("wadashboard_accounts", ("state", state.Key), ("server", "simulator")));
        }

        Assert.Equal(1, Scrape.Value("wadashboard_accounts", ("state", "Connected")));
        Assert.Equal(1, Scrape.Value("wadashboard_accounts", ("state", "Disconnected")));
        Assert.Equal(1, Scrape.Value("wadashboard_accounts", ("state", "LoggedOut")));
        Assert.Equal(3, Scrape.Value("wadashboard_accounts"));
        Assert.Equal(1, Scrape.Value("wadashboard_accounts_reconnect_paused"));
    }

    [Fact]
    public void Disconnects_are_counted_by_reason_and_raw_code_as_the_timelines_record_them()
    {
        var observed = fleet.Timelines.Where(e => e.GetProperty("reason").ValueKind == JsonValueKind.String)
            .GroupBy(e => (Reason: e.GetProperty("reason").GetString()!, Code: e.GetProperty("rawCode").GetString() ?? "none"))
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, observed[("Timeout", "408")]);
        foreach (var ((reason, code), count) in observed)
        {
            Assert.Equal(count, Scrape.Value("wadashboard_disconnects_total", ("reason", reason), ("raw_code", code)));
        }

        Assert.Equal(observed.Values.Sum(), Scrape.Value("wadashboard_disconnects_total"));
    }

    [Fact]
    public void Reconnects_their_outcome_and_duration_and_the_loop_breaker_are_counted()
    {
        Assert.Equal(2, Scrape.Value("wadashboard_reconnect_started_total"));
        Assert.Equal(2, Scrape.Value("wadashboard_reconnect_attempts_total", ("outcome", "connected")));
        Assert.Equal(2, Scrape.Value("wadashboard_reconnect_duration_seconds_count"));
        var seconds = Scrape.Value("wadashboard_reconnect_duration_seconds_sum");
        Assert.InRange(seconds, 0.01, 20);
        Assert.Equal(1, Scrape.Value("wadashboard_loop_breaker_trips_total"));
    }

    [Fact]
    public void Links_sends_webhooks_and_database_writes_are_counted()
    {
        Assert.Equal(3, Scrape.Value("wadashboard_link_codes_shown_total", ("kind", "qr")));
        Assert.Equal(3, Scrape.Value("wadashboard_link_completed_total"));
        Assert.Equal(fleet.MessagesSent, Scrape.Value("wadashboard_outbox_sends_total", ("outcome", "sent")));
        foreach (var outcome in new[] { "failed", "unknown", "delivered", "read" })
        {
            Assert.True(Scrape.Has("wadashboard_outbox_sends_total", ("outcome", outcome)), outcome);
        }

        Assert.Equal(0, Scrape.Value("wadashboard_outbox_depth"));
        Assert.Equal(0, Scrape.Value("wadashboard_guard_refusals_total"));
        Assert.Equal(1, Scrape.Value("wadashboard_webhooks_refused_total", ("cause", "MissingSignature")));
        Assert.Equal(1, Scrape.Value("wadashboard_database_writable"));
        Assert.True(Scrape.Value("wadashboard_database_write_duration_seconds_count", ("store", "accounts"), ("outcome", "committed")) >= 10);
        Assert.Equal(0, Scrape.Value("wadashboard_database_write_duration_seconds_count", ("outcome", "failed")));
        Assert.True(Scrape.Has("wadashboard_storage_findings", ("severity", "critical")));
        Assert.True(Scrape.Has("wadashboard_outbox_waiting_for_person", ("status", "unknown")));
    }

    [Fact]
    public void A_gateway_server_that_does_not_answer_is_down_in_the_metrics_and_degraded_in_readiness()
    {
        Assert.True(Scrape.Has("wadashboard_gateway_up", ("server", "waha-down")));
        Assert.Equal(0, Scrape.Value("wadashboard_gateway_up", ("server", "waha-down")));
        Assert.Equal(HttpStatusCode.OK, fleet.Readiness.Status);
        Assert.Equal("Degraded", fleet.Readiness.Body.GetProperty("status").GetString());
        var checks = fleet.Readiness.Body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Degraded", checks.GetProperty("gateway:waha-down").GetProperty("status").GetString());
    }

    [Fact]
    public void The_runtime_and_aspnetcore_instruments_are_scraped_too()
    {
        Assert.True(Scrape.Value("http_server_request_duration_seconds_count") > 10);
        Assert.True(Scrape.Value("dotnet_process_memory_working_set_bytes") > 0);
        Assert.True(Scrape.Has("dotnet_gc_collections_total"));
    }

    [Fact]
    public void No_phone_number_is_a_label_value()
    {
        foreach (var phone in new[] { ScrapedFleet.PhoneA, ScrapedFleet.PhoneB, ScrapedFleet.PhoneC, "+972521234567" })
        {
            Assert.DoesNotContain(phone.TrimStart('+')[3..], fleet.ScrapeText);
        }

        var accountIds = fleet.Accounts.Select(a => a.GetProperty("id").GetString()!).ToList();
        Assert.DoesNotContain(Scrape.SelectMany(s => s.Labels.Values), accountIds.Contains);
    }

    [Fact]
    public void Every_metric_the_alert_rules_and_the_dashboard_use_is_in_the_scrape()
    {
        var scraped = Scrape.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var file in new[] { "alert-rules.yml", "grafana-dashboard.json" })
        {
            var text = File.ReadAllText(Path.Combine(RepositoryLayout.Root(), "deploy", "observability", file));
            var used = PrometheusText.MetricNames(text);
            Assert.True(used.Count >= 10, $"{file} uses only {used.Count} metrics");
            Assert.Empty(used.Where(name => !scraped.Contains(name)).Select(name => $"{file}: {name}"));
        }
    }

    [Fact]
    public async Task The_endpoint_answers_an_admin_or_the_metrics_key_and_refuses_everyone_else()
    {
        using (var anonymous = fleet.Client(null))
        {
            using var response = await anonymous.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("wadashboard_", await response.Content.ReadAsStringAsync());
        }

        using (var wrongBearer = fleet.Client(null))
        {
            wrongBearer.DefaultRequestHeaders.Authorization = new("Bearer", fleet.MetricsKey + "x");
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrongBearer.GetAsync("metrics")).StatusCode);
        }

        foreach (var key in new[] { fleet.ViewerKey, fleet.OperatorKey })
        {
            using var lesser = fleet.Client(key);
            using var response = await lesser.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain("wadashboard_", await response.Content.ReadAsStringAsync());
        }

        using (var admin = fleet.Client(fleet.App.ApiKey))
        {
            using var response = await admin.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("wadashboard_accounts{", await response.Content.ReadAsStringAsync());
        }
    }
}
