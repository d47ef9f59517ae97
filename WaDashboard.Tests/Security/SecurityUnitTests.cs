using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WaDashboard.Tests.Http;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

public class FirstRunSetupTests
{
    [Fact]
    public void The_setup_link_works_once_and_expires()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var setup = new FirstRunSetup(time, Options.Create(new SecurityOptions { SetupLinkLifetime = TimeSpan.FromMinutes(30) }));
        var (token, expiresAt) = setup.Issue();

        Assert.Equal(time.GetUtcNow().AddMinutes(30), expiresAt);
        Assert.False(setup.IsValid(token + "0"));
        Assert.False(setup.TryConsume("wrong"));
        Assert.True(setup.IsValid(token));
        Assert.True(setup.TryConsume(token));
        Assert.False(setup.IsValid(token));
        Assert.False(setup.TryConsume(token)); // never twice

        var (second, _) = setup.Issue();
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.False(setup.IsValid(second));
        Assert.False(setup.TryConsume(second));
    }
}

public class WebhookSignatureVerifierTests
{
    private const string Secret = "9f2c7a1e5b3d8f604a1c2e3b4d5f6a7b";
    private readonly FakeTimeProvider _time = new(TestClock.Start);

    private WebhookSignatureVerifier Verifier(string secret = Secret, string algorithm = "sha512") =>
        new(Options.Create(new SecurityOptions { Webhooks = new WebhookOptions { Secret = secret, Algorithm = algorithm, Tolerance = TimeSpan.FromMinutes(5) } }), _time);

    private byte[] Body(string id, DateTimeOffset? at = null) =>
        Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"timestamp\":{(at ?? _time.GetUtcNow()).ToUnixTimeMilliseconds()},\"event\":\"session.status\",\"payload\":{{\"status\":\"WORKING\"}}}}");

    [Fact]
    public void The_algorithm_the_sender_names_is_the_one_checked()
    {
        var verifier = Verifier(algorithm: "sha256"); // configured otherwise: WAHA still says sha512 and signs with it
        var body = Body("evt_alg");

        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(body, WebhookSignatureVerifier.Sign(body, Secret, "sha512"), "sha512", Secret));
        Assert.Equal(WebhookVerdict.BadSignature, verifier.Verify(Body("evt_md5"), WebhookSignatureVerifier.Sign(Body("evt_md5"), Secret), "md5", Secret));
    }

    [Fact]
    public void A_correctly_signed_fresh_webhook_is_accepted_once()
    {
        var verifier = Verifier();
        var body = Body("evt_1");
        var signature = WebhookSignatureVerifier.Sign(body, Secret);

        Assert.Equal(128, signature.Length); // hex of a SHA-512 HMAC
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(body, signature));
        Assert.Equal(WebhookVerdict.Replayed, verifier.Verify(body, signature));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(Body("evt_2"), WebhookSignatureVerifier.Sign(Body("evt_2"), Secret)));
    }

    [Fact]
    public void Wrong_missing_or_foreign_signatures_are_refused()
    {
        var verifier = Verifier();
        var body = Body("evt_1");
        Assert.Equal(WebhookVerdict.MissingSignature, verifier.Verify(body, null));
        Assert.Equal(WebhookVerdict.BadSignature, verifier.Verify(body, WebhookSignatureVerifier.Sign(body, Secret + "x")));
        Assert.Equal(WebhookVerdict.BadSignature, verifier.Verify(body, WebhookSignatureVerifier.Sign(body, Secret, "sha256")));
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("WORKING", "FAILED", StringComparison.Ordinal));
        Assert.Equal(WebhookVerdict.BadSignature, verifier.Verify(tampered, WebhookSignatureVerifier.Sign(body, Secret)));
    }

    [Fact]
    public void Stale_timestamps_and_unsigned_fields_are_refused()
    {
        var verifier = Verifier();
        var old = Body("evt_old", _time.GetUtcNow().AddMinutes(-6));
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(old, WebhookSignatureVerifier.Sign(old, Secret)));
        var future = Body("evt_future", _time.GetUtcNow().AddMinutes(6));
        Assert.Equal(WebhookVerdict.Stale, verifier.Verify(future, WebhookSignatureVerifier.Sign(future, Secret)));
        var edge = Body("evt_edge", _time.GetUtcNow().AddMinutes(-4));
        Assert.Equal(WebhookVerdict.Accepted, verifier.Verify(edge, WebhookSignatureVerifier.Sign(edge, Secret)));

        var noId = Encoding.UTF8.GetBytes($"{{\"timestamp\":{_time.GetUtcNow().ToUnixTimeMilliseconds()}}}");
        Assert.Equal(WebhookVerdict.MalformedBody, verifier.Verify(noId, WebhookSignatureVerifier.Sign(noId, Secret)));
        var notJson = Encoding.UTF8.GetBytes("status=WORKING");
        Assert.Equal(WebhookVerdict.MalformedBody, verifier.Verify(notJson, WebhookSignatureVerifier.Sign(notJson, Secret)));
    }

    [Fact]
    public void Without_a_configured_secret_nothing_is_accepted()
    {
        var body = Body("evt_1");
        Assert.Equal(WebhookVerdict.NotConfigured, Verifier(secret: "").Verify(body, WebhookSignatureVerifier.Sign(body, "anything-at-all-long-enough")));
    }

    [Theory]
    [InlineData(null, "is empty")]
    [InlineData("  ", "is empty")]
    [InlineData("changeme", "placeholder")]
    [InlineData("my-secret-value-for-prod-1234", "placeholder")]
    [InlineData("<api key>", "placeholder")]
    [InlineData("x7Qp2", "at least 24")]
    public void Secret_rules_name_what_is_wrong(string? secret, string expected) =>
        Assert.Contains(expected, SecretRules.Problem(secret));

    [Fact]
    public void A_random_secret_passes_the_rules() =>
        Assert.Null(SecretRules.Problem(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
}

/// <summary>The webhook endpoint of the real app, with a secret configured.</summary>
public sealed class WebhookEndpointTests : IClassFixture<WebhookEndpointTests.SignedWebhooksFactory>
{
    public const string Secret = "b41d0e6f93a27c58e1f4d6a9c3b72e05";

    public sealed class SignedWebhooksFactory : WebAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The webhook URL names a configured gateway server; nothing listens at its address (only the receiver is tested here).
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Security:Webhooks:Secret"] = Secret,
                ["Gateways:Servers:0:Id"] = "waha",
                ["Gateways:Servers:0:Url"] = "http://127.0.0.1:9",
                ["Gateways:Servers:0:Capacity"] = "5",
                ["Gateways:Servers:1:Id"] = "other",
                ["Gateways:Servers:1:Url"] = "http://127.0.0.1:9",
                ["Gateways:Servers:1:Capacity"] = "5",
            }));
        }
    }

    private readonly SignedWebhooksFactory _factory;

    /// <summary>The key the server "waha" signs with: derived from the shared secret for it alone.</summary>
    private static string KeyOf(string serverId) =>
        new Core.Engines.Gateways.GatewayOptions { WebhookSecret = Secret }.WebhookSecretFor(new Core.Engines.Gateways.GatewayServerOptions { Id = serverId });

    public WebhookEndpointTests(SignedWebhooksFactory factory) => _factory = factory;

    private static HttpRequestMessage Post(byte[] body, string? signature, string server = "waha")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{server}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignatureVerifier.SignatureHeader, signature);
            request.Headers.Add(WebhookSignatureVerifier.AlgorithmHeader, "sha512");
        }

        return request;
    }

    [Fact]
    public async Task Signed_webhooks_are_accepted_without_a_session_and_everything_else_is_refused()
    {
        using var client = _factory.CreateAnonymousClient();
        var now = DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetBytes($"{{\"id\":\"evt_{Guid.NewGuid():N}\",\"timestamp\":{now.ToUnixTimeMilliseconds()},\"event\":\"session.status\"}}");
        var signature = WebhookSignatureVerifier.Sign(body, KeyOf("waha"));

        // Signed with the shared secret itself, or with another server's key: refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(body, WebhookSignatureVerifier.Sign(body, Secret)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(body, WebhookSignatureVerifier.Sign(body, KeyOf("other"))))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(Post(body, signature))).StatusCode);
        var elsewhere = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/nowhere") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(
            $"{{\"id\":\"evt_{Guid.NewGuid():N}\",\"timestamp\":{now.ToUnixTimeMilliseconds()}}}")) };
        elsewhere.Headers.Add(WebhookSignatureVerifier.SignatureHeader, WebhookSignatureVerifier.Sign(await elsewhere.Content.ReadAsByteArrayAsync(), KeyOf("waha")));
        var unknownServer = await client.SendAsync(elsewhere);
        Assert.Equal(HttpStatusCode.NotFound, unknownServer.StatusCode);
        Assert.Contains("No gateway server 'nowhere'", await unknownServer.Content.ReadAsStringAsync());
        // WAHA redelivers what got no 2xx with the same id (WebhookSender.ts): already handled, acknowledged again.
        var replay = await client.SendAsync(Post(body, signature));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("\"duplicate\":true", await replay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(body, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Post(body, WebhookSignatureVerifier.Sign(body, "wrong-secret-wrong-secret-123")))).StatusCode);

        var stale = Encoding.UTF8.GetBytes($"{{\"id\":\"evt_stale\",\"timestamp\":{now.AddMinutes(-10).ToUnixTimeMilliseconds()}}}");
        var staleAnswer = await client.SendAsync(Post(stale, WebhookSignatureVerifier.Sign(stale, KeyOf("waha"))));
        Assert.Equal(HttpStatusCode.Unauthorized, staleAnswer.StatusCode);
        Assert.Contains("outside the accepted window", await staleAnswer.Content.ReadAsStringAsync());
    }
}
