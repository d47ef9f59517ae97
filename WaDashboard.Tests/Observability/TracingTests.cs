using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using WaDashboard.Core.Telemetry;
using WaDashboard.Tests.Http;

namespace WaDashboard.Tests.Observability;

/// <summary>An OTLP/HTTP collector on loopback that keeps what it is sent.</summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOtlpCollector(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var collector = new FakeOtlpCollector(app);
        app.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            collector.Received.Enqueue((request.Path.Value!, buffer.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        collector.Url = app.Urls.Single();
        return collector;
    }

    /// <summary>Everything sent to <paramref name="path"/>, as text: protobuf keeps span names as plain UTF-8.</summary>
    public string TextOf(string path) => string.Join("\n", Received.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The app exporting to a collector over OTLP/HTTP.</summary>
public sealed class TracedAppFactory(string collectorUrl) : WebAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Read while the services are registered (as environment variables and appsettings.json are), so set early.
        builder.UseSetting("Observability:Otlp:Endpoint", collectorUrl);
        builder.UseSetting("Observability:Otlp:Protocol", "http/protobuf");
    }
}

public sealed class TracingTests
{
    [Fact]
    public void Without_an_otlp_endpoint_no_tracer_is_registered()
    {
        using var factory = new WebAppFactory();
        _ = factory.Server;
        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task An_operators_action_and_an_engine_event_are_traced_end_to_end_and_exported_over_otlp()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WaDashboardActivities.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var collector = await FakeOtlpCollector.StartAsync();
        await using var factory = new TracedAppFactory(collector.Url);
        using var client = factory.CreateClient();

        var created = await client.PostAsJsonAsync("/api/accounts", new { name = "Traced", phone = "+972501239876" });
        var accountId = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        (await client.PostAsJsonAsync("/api/accounts/%2B972501239876/link", new { mode = "qr" })).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/simulator/accounts/%2B972501239876/scan", null)).EnsureSuccessStatusCode();
        await WebAppFactory.PollAsync(client, "/api/accounts/%2B972501239876/status", s => s.GetProperty("isConnected").GetBoolean(), "connected");
        Assert.True(factory.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));

        List<Activity> Ours(string name) => spans.Where(s => s.DisplayName == name && (string?)s.GetTagItem("wadashboard.account_id") == accountId).ToList();
        // Other tests' apps run in this process too: a request is found by the trace it shares with our account's span.
        Activity Request(string route, ActivityTraceId trace) =>
            Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.DisplayName == route && s.TraceId == trace);

        // Click (here the API) -> supervisor -> engine call, one trace.
        var operatorSpan = Assert.Single(Ours("operator link (QR)"));
        var link = Request("POST /api/accounts/{phone}/link", operatorSpan.TraceId);
        Assert.Equal(link.SpanId, operatorSpan.ParentSpanId);
        var supervisor = Assert.Single(Ours("supervisor LinkCommand"));
        Assert.Equal(operatorSpan.SpanId, supervisor.ParentSpanId);
        Assert.Contains(Ours("effect StartEngine"), e => e.ParentSpanId == supervisor.SpanId);

        // Engine event (raised while the phone's scan request was handled, as a gateway's webhook is) -> supervisor ->
        // database -> publish to the pages, one trace.
        var authenticated = Assert.Single(Ours("supervisor engine event Authenticated"));
        Request("POST /api/simulator/accounts/{phone}/scan", authenticated.TraceId);
        Assert.Contains(Ours("database save account"), s => s.ParentSpanId == authenticated.SpanId);
        Assert.Contains(Ours("publish account changed"), s => s.ParentSpanId == authenticated.SpanId);

        var exported = collector.TextOf("/v1/traces");
        foreach (var name in new[] { "operator link (QR)", "supervisor LinkCommand", "effect StartEngine", "supervisor engine event Authenticated", "database save account", "publish account changed" })
        {
            Assert.Contains(name, exported);
        }
    }
}
