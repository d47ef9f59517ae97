using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Tests.Http;
using WaDashboard.Web.Observability;

namespace WaDashboard.Tests.Observability;

/// <summary>The app with a Viewer key beside the Admin key, recording the status of every answer of every route.</summary>
public sealed class ContractAppFactory : WebAppFactory
{
    public string ViewerKey { get; } = "viewer-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    /// <summary>(method, route pattern, status, content type) of every answer so far.</summary>
    public ConcurrentBag<(string Method, string Route, int Status, string? ContentType)> Answers { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:ApiKeys:viewer:Key"] = ViewerKey,
            ["Security:ApiKeys:viewer:Role"] = "Viewer",
        }));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new Recorder(this)));
    }

    private sealed class Recorder(ContractAppFactory factory) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                await inner(context);
                if (context.GetEndpoint() is RouteEndpoint endpoint)
                {
                    factory.Answers.Add((context.Request.Method, "/" + endpoint.RoutePattern.RawText?.Trim('/'), context.Response.StatusCode,
                        context.Response.ContentType?.Split(';')[0]));
                }
            });
            next(app);
        };
    }
}

/// <summary>
/// The OpenAPI document against the app itself: every mapped REST endpoint is in it, and every answer the endpoints
/// really give — to an admin, a viewer, an anonymous caller, with good, malformed and unknown values — is declared in it.
/// </summary>
public sealed class ApiContractTests(ContractAppFactory factory) : IClassFixture<ContractAppFactory>
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(ApiDocument.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
    }

    private IReadOnlyList<(string Method, string Route, bool Anonymous)> MappedApi()
    {
        _ = factory.Server;
        return factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>()
            .SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, ApiContract.Key(m, e.RoutePattern.RawText!).Split(' ')[1], e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .Distinct()
            .ToList();
    }

    [Fact]
    public async Task Every_mapped_endpoint_is_in_the_document_with_its_answers_and_nothing_else_is()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var mapped = MappedApi();
        Assert.True(mapped.Count > 35, $"only {mapped.Count} endpoints mapped");
        foreach (var (method, route, anonymous) in mapped)
        {
            Assert.True(paths.TryGetProperty(route, out var path), $"{method} {route} is not in the document");
            Assert.True(path.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {route} is not in the document");
            Assert.True(ApiContract.Answers.ContainsKey($"{method} {route}"), $"{method} {route} has no entry in ApiContract.Answers");
            var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
            Assert.Contains(statuses, s => s.StartsWith('2'));
            Assert.True(anonymous || statuses.Contains("401"), $"{method} {route} does not declare 401");
            Assert.Equal(!anonymous, operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(r => r.TryGetProperty(ApiDocument.ApiKeyScheme, out _)));
            if (route.Contains("{phone}", StringComparison.Ordinal))
            {
                Assert.Contains("404", statuses);
            }
        }

        var documented = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => (o.Name.ToUpperInvariant(), p.Name)))
            .ToHashSet();
        Assert.Equal(mapped.Select(m => (m.Method, m.Route)).ToHashSet(), documented);
        Assert.Empty(ApiContract.Answers.Keys.Except(mapped.Select(m => $"{m.Method} {m.Route}")));
    }

    [Fact]
    public async Task The_document_names_the_api_key_scheme_schemas_and_examples_from_the_field_notes()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiDocument.ApiKeyScheme);
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var reason = schemas.GetProperty("DisconnectReasonDto");
        foreach (var field in new[] { "phone", "connected", "logged_in", "status", "reconnecting", "last_error", "disconnect_reason", "can_auto_reconnect", "auto_reconnect_enabled", "consecutive_failures", "worker_id" })
        {
            Assert.True(reason.GetProperty("properties").TryGetProperty(field, out _), field);
        }

        var example = reason.GetProperty("examples")[0];
        Assert.Equal("+972501234567", example.GetProperty("phone").GetString());
        Assert.True(example.GetProperty("logged_in").GetBoolean());
        Assert.Equal(3000, schemas.GetProperty("PendingResponse").GetProperty("examples")[0].GetProperty("retryIn").GetInt32());

        var reconnect = document.GetProperty("paths").GetProperty("/api/accounts/{phone}/reconnect").GetProperty("post").GetProperty("responses");
        Assert.Equal("#/components/schemas/PendingResponse", reconnect.GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(reconnect.GetProperty("404").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task Every_answer_the_endpoints_really_give_is_declared_in_the_document()
    {
        var document = await DocumentAsync();
        await CrawlAsync();

        var paths = document.GetProperty("paths");
        var answers = factory.Answers.Where(a => a.Route.StartsWith("/api/", StringComparison.Ordinal)).Distinct().ToList();
        var undeclared = new List<string>();
        foreach (var (method, rawRoute, status, contentType) in answers)
        {
            var route = ApiContract.Key(method, rawRoute).Split(' ')[1];
            var responses = paths.GetProperty(route).GetProperty(method.ToLowerInvariant()).GetProperty("responses");
            if (!responses.TryGetProperty(status.ToString(), out var declared))
            {
                undeclared.Add($"{method} {route} answered {status}");
            }
            else if (status is >= 200 and < 300 && contentType is not null
                     && !(declared.TryGetProperty("content", out var content) && content.TryGetProperty(contentType, out _)))
            {
                undeclared.Add($"{method} {route} answered {status} as {contentType}");
            }
        }

        Assert.Empty(undeclared);
        var called = answers.Select(a => ApiContract.Key(a.Method, a.Route)).ToHashSet();
        var notCalled = MappedApi().Select(m => $"{m.Method} {m.Route}").Except(called).ToList();
        Assert.Empty(notCalled);
        Assert.True(answers.Select(a => a.Status).Distinct().Count() >= 8, string.Join(", ", answers.Select(a => a.Status).Distinct()));
    }

    /// <summary>
    /// Calls every REST endpoint as an admin, a viewer and an anonymous caller, with a known account, a malformed and
    /// an unknown phone, valid and junk bodies; then the flows that reach the other answers (a QR, a duplicate, a send).
    /// </summary>
    private async Task CrawlAsync()
    {
        using var admin = factory.CreateClient();
        using var viewer = factory.CreateAnonymousClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", factory.ViewerKey);
        using var anonymous = factory.CreateAnonymousClient();

        const string phone = "+972501234567";
        (await admin.PostAsJsonAsync("/api/accounts", new { name = "Clinic reminders", phone })).EnsureSuccessStatusCode();
        await admin.PostAsJsonAsync("/api/accounts", new { name = "Clinic reminders", phone });                 // 409
        await admin.PostAsJsonAsync("/api/accounts", new { name = "", phone = "not a phone" });                  // 400
        await admin.PostAsJsonAsync($"/api/accounts/{Uri.EscapeDataString(phone)}/link", new { mode = "qr" });    // 200 with a QR or 202
        using (var json = new HttpRequestMessage(HttpMethod.Get, $"/api/accounts/{Uri.EscapeDataString(phone)}/qr"))
        {
            json.Headers.Accept.ParseAdd("application/json");
            await admin.SendAsync(json);
        }

        await admin.GetAsync($"/api/accounts/{Uri.EscapeDataString(phone)}/qr");                                  // image/png
        var sent = await admin.PostAsJsonAsync($"/api/accounts/{Uri.EscapeDataString(phone)}/messages", new { to = "+972521234567", text = "Reminder" });
        var messageId = JsonSerializer.Deserialize<JsonElement>(await sent.Content.ReadAsStringAsync()).GetProperty("id").GetInt64();
        var keyed = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{Uri.EscapeDataString(phone)}/messages")
        {
            Content = JsonContent.Create(new { to = "+972521234567", text = "Once" }),
        };
        keyed.Headers.Add("Idempotency-Key", "same-key");
        await admin.SendAsync(keyed);
        var reused = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{Uri.EscapeDataString(phone)}/messages")
        {
            Content = JsonContent.Create(new { to = "+972521234567", text = "Different" }),
        };
        reused.Headers.Add("Idempotency-Key", "same-key");
        await admin.SendAsync(reused);                                                                            // 422
        await admin.PostAsJsonAsync($"/api/simulator/accounts/{Uri.EscapeDataString(phone)}/scan", new { });
        await WebAppFactory.PollAsync(admin, $"/api/accounts/{Uri.EscapeDataString(phone)}/status", s => s.GetProperty("isConnected").GetBoolean(), "connected");
        await admin.PostAsync($"/api/accounts/{Uri.EscapeDataString(phone)}/reconnect", null);                   // 409 already connected
        await admin.PostAsJsonAsync($"/api/simulator/accounts/{Uri.EscapeDataString(phone)}/faults", new { kind = "nonsense" });

        var routes = MappedApi().OrderBy(m => m.Method == "DELETE").ToList();
        foreach (var (client, who) in new[] { (anonymous, "anonymous"), (viewer, "viewer"), (admin, "admin") })
        {
            foreach (var (method, route, _) in routes)
            {
                foreach (var values in new[] { (Phone: Uri.EscapeDataString(phone), Id: messageId.ToString()), (Phone: "not-a-phone", Id: "abc"), (Phone: "%2B15550000001", Id: "999999") })
                {
                    if (method == "DELETE" && who == "admin" && values.Phone == Uri.EscapeDataString(phone))
                    {
                        continue; // removing the account is called last
                    }

                    var url = route.Replace("{phone}", values.Phone).Replace("{id}", values.Id).Replace("{workerId}", who == "admin" ? "simulator" : "nope")
                        .Replace("{name}", "left-behind").Replace("{generation}", "1").Replace("{backupId}", "not-a-backup").Replace("{engine}", "waha").Replace("{email}", "someone%40example.test");
                    using var request = new HttpRequestMessage(new HttpMethod(method), url);
                    if (method is "POST" or "PUT")
                    {
                        request.Content = new StringContent(values.Id == "abc" ? "{not json" : "{}", Encoding.UTF8, "application/json");
                    }

                    using var _ = await client.SendAsync(request);
                }
            }
        }

        await admin.DeleteAsync($"/api/accounts/{Uri.EscapeDataString(phone)}");                                  // 204
    }
}
