using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Tests.Http;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>
/// The in-memory app with short security timings (cookies revalidated every second, a database probe every 200 ms, a
/// small failure budget) and each request's client address taken from <see cref="ClientHeader"/>, so tests can speak
/// as several machines.
/// </summary>
public sealed partial class HardenedApp : WebAppFactory
{
    public const string ClientHeader = "X-Test-Client";
    public const string Password = "a long password 42";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:SessionRevalidation"] = "00:00:01",
            ["Security:AuthFailureBurst"] = "5",
            ["Security:AuthFailureRefill"] = "00:01:00",
            ["Security:MaxFailedSignIns"] = "3",
            ["Persistence:HealthProbeInterval"] = "00:00:00.200",
        }));
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, ClientFromHeader>());
    }

    private sealed class ClientFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers[ClientHeader].FirstOrDefault() ?? "10.0.0.1");
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    public async Task CreateUserAsync(string email, string role, string password = Password)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = new DashboardUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }

    /// <summary>A client without key or cookie jar, speaking as <paramref name="client"/>.</summary>
    public HttpClient Browser(string client = "10.0.0.1")
    {
        var http = CreateAnonymousClient();
        http.DefaultRequestHeaders.Add(ClientHeader, client);
        return http;
    }

    /// <summary>Posts the sign-in form as a browser does (antiforgery cookie and token from the page); returns the answer and the cookies it set.</summary>
    public async Task<(HttpResponseMessage Response, string Cookies)> PostSignInAsync(string email, string password, string client = "10.0.0.1")
    {
        var (response, cookies, _) = await TimedSignInAsync(email, password, client);
        return (response, cookies);
    }

    /// <summary>As <see cref="PostSignInAsync"/>, with the time the form post alone took.</summary>
    public async Task<(HttpResponseMessage Response, string Cookies, TimeSpan Elapsed)> TimedSignInAsync(string email, string password, string client = "10.0.0.1")
    {
        using var http = Browser(client);
        using var page = await http.GetAsync("/account/login");
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = CookiesOf(page);
        var token = Token().Match(html).Groups[1].Value;
        using var form = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["Input.Email"] = email,
                ["Input.Password"] = password,
            }),
        };
        form.Headers.Add("Cookie", antiforgery);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var response = await http.SendAsync(form);
        watch.Stop();
        return (response, CookiesOf(response), watch.Elapsed);
    }

    /// <summary>Signs in and returns the sign-in cookie header ("WaDashboard.Auth=...").</summary>
    public async Task<string> SignInAsync(string email, string password = Password, string client = "10.0.0.1")
    {
        var (response, cookies) = await PostSignInAsync(email, password, client);
        using (response)
        {
            Assert.True(cookies.Contains(DependencyInjection.CookieName, StringComparison.Ordinal),
                $"Sign-in of {email} set no cookie: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return cookies;
    }

    /// <summary>A request carrying only the given cookie, as a replayed copy of it would.</summary>
    public async Task<HttpResponseMessage> WithCookieAsync(string cookie, HttpMethod method, string url, HttpContent? content = null, string client = "10.0.0.1",
        bool sameSiteHeader = true)
    {
        using var http = Browser(client);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Cookie", cookie);
        if (sameSiteHeader)
        {
            request.Headers.Add("X-Requested-With", "fetch");
        }

        return await http.SendAsync(request);
    }

    /// <summary>Signs out through the page's own form (token from a signed-in page).</summary>
    public async Task SignOutAsync(string cookie)
    {
        using var page = await WithCookieAsync(cookie, HttpMethod.Get, "/");
        var token = Token().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "The signed-in page has no antiforgery token for the sign-out form.");
        var antiforgery = CookiesOf(page);
        using var http = Browser();
        using var form = new HttpRequestMessage(HttpMethod.Post, "/account/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }),
        };
        form.Headers.Add("Cookie", string.Join("; ", new[] { cookie, antiforgery }.Where(c => c.Length > 0)));
        using var response = await http.SendAsync(form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public static string CookiesOf(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';', 2)[0]).Where(v => !v.EndsWith('=')) : []);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
