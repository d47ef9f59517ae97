using System.Net;
using WaDashboard.Web.Observability;

namespace WaDashboard.Tests.Observability;

/// <summary>The OpenAPI document and the reference page are for signed-in users and keys; the probes for anyone.</summary>
public sealed class ApiReferenceAccessTests(ContractAppFactory factory) : IClassFixture<ContractAppFactory>
{
    [Fact]
    public async Task The_document_and_the_reference_page_answer_keys_and_send_anonymous_callers_to_sign_in()
    {
        using var anonymous = factory.CreateAnonymousClient();
        foreach (var path in new[] { ApiDocument.DocumentPath, ApiDocument.ReferencePath + "/" })
        {
            using var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/account/login", refused.Headers.Location!.ToString());
        }

        using var viewer = factory.CreateAnonymousClient();
        viewer.DefaultRequestHeaders.Add("X-Api-Key", factory.ViewerKey);
        using var document = await viewer.GetAsync(ApiDocument.DocumentPath);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"openapi\"", await document.Content.ReadAsStringAsync());

        using var page = await viewer.GetAsync(ApiDocument.ReferencePath + "/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("scalar.js", html);
        Assert.Contains("openapi/v1.json", html);
        Assert.DoesNotContain("fonts.scalar.com", html);
        // Only the reference page may run its inline start-up script; the console keeps the strict policy.
        Assert.Contains("script-src 'self' 'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single());
        using var console = await viewer.GetAsync("/account/login");
        Assert.Contains("script-src 'self';", console.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Liveness_and_readiness_answer_without_signing_in_and_healthz_stays()
    {
        using var anonymous = factory.CreateAnonymousClient();
        using var live = await anonymous.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains("\"checks\":{}", await live.Content.ReadAsStringAsync());

        using var ready = await anonymous.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("\"database\":{\"status\":\"Healthy\"", body);
        Assert.DoesNotContain("\"fleet\"", body);

        using var legacy = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Contains("\"fleet\"", await legacy.Content.ReadAsStringAsync());
    }
}
