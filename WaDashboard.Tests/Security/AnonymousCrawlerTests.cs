using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Tests.Http;

namespace WaDashboard.Tests.Security;

/// <summary>Every mapped endpoint and page refuses an anonymous caller, except the few that must not.</summary>
public sealed class AnonymousCrawlerTests : IClassFixture<WebAppFactory>
{
    /// <summary>What an anonymous caller may reach, and why.</summary>
    private static readonly HashSet<string> Public = new(StringComparer.OrdinalIgnoreCase)
    {
        "/healthz",                 // liveness and readiness probes
        "/healthz/live",            // liveness, the ASP.NET Core way
        "/healthz/ready",           // readiness: the database and each gateway server
        "/metrics",                 // checks the Admin role or the metrics key itself (MetricsScrapeTests)
        "/scalar/scalar.js", "/scalar/scalar.aspnetcore.js", "/scalar/favicon.svg", // the reference page's public script bundle and icon
        "/account/login",           // signing in
        "/account/setup",           // the one-time first-admin link (checks its own token)
        "/account/denied",          // the "not allowed" page
        "/account/language",        // choosing the language on the sign-in page (a form post with an antiforgery token; anonymous: only the culture cookie)
        "/api/webhooks/{engine}",   // authenticated by its HMAC signature instead
    };

    private readonly WebAppFactory _factory;

    public AnonymousCrawlerTests(WebAppFactory factory) => _factory = factory;

    private static string Concrete(string pattern) => pattern
        .Replace("{phone}", "%2B972501234567", StringComparison.Ordinal)
        .Replace("{Id}", "0123456789abcdef", StringComparison.Ordinal)
        .Replace("{engine}", "waha", StringComparison.Ordinal);

    private IReadOnlyList<(string Method, string Pattern, bool AllowsAnonymous)> Endpoints()
    {
        _ = _factory.Server; // build the app
        var sources = _factory.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var found = new List<(string, string, bool)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            foreach (var method in methods)
            {
                found.Add((method, pattern, anonymous));
            }
        }

        return found.Distinct().ToList();
    }

    [Fact]
    public void The_crawl_covers_the_api_the_pages_and_the_circuit_hub()
    {
        var patterns = Endpoints().Select(e => e.Pattern).ToHashSet();
        foreach (var expected in new[] { "/api/accounts", "/api/accounts/{phone}/reconnect", "/api/simulator/accounts/{phone}/faults", "/", "/accounts/{Id}", "/admin/users", "/admin/api-keys", "/admin/audit", "/_blazor" })
        {
            Assert.Contains(expected, patterns);
        }

        Assert.True(patterns.Count > 25, $"only {patterns.Count} endpoints found");
    }

    [Fact]
    public void Only_the_allowed_endpoints_accept_anonymous_callers()
    {
        var anonymous = Endpoints().Where(e => e.AllowsAnonymous).Select(e => e.Pattern).ToHashSet();
        Assert.Subset(Public, anonymous);
    }

    [Fact]
    public async Task Every_other_endpoint_and_page_refuses_an_anonymous_request()
    {
        using var client = _factory.CreateAnonymousClient();
        var refused = 0;
        foreach (var (method, pattern, _) in Endpoints().Where(e => !Public.Contains(e.Pattern)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(pattern));
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            var what = $"{method} {pattern} answered {(int)response.StatusCode}";
            if (pattern.StartsWith("/api", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, what);
                Assert.Contains("X-Api-Key", await response.Content.ReadAsStringAsync());
            }
            else
            {
                Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, what);
                if (response.StatusCode == HttpStatusCode.Redirect)
                {
                    Assert.Contains("/account/login", response.Headers.Location!.ToString());
                }
            }

            refused++;
        }

        Assert.True(refused > 20);
    }

    [Fact]
    public async Task The_public_endpoints_answer_without_signing_in()
    {
        using var client = _factory.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var login = await client.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("id=\"login-form\"", await login.Content.ReadAsStringAsync());
        var setup = await client.GetAsync("/account/setup?token=not-the-token");
        Assert.Contains("id=\"setup-invalid\"", await setup.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Responses_carry_the_security_headers()
    {
        using var client = _factory.CreateAnonymousClient();
        using var response = await client.GetAsync("/account/login");
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }
}
