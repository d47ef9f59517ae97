using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Http;

/// <summary>
/// The real app (real clock, simulator engine, SQLite) in memory on its own temp data folder, with a short simulator
/// start and short reconnect delays. Disposing it stops the app and deletes the folder.
/// </summary>
public class WebAppFactory : WebApplicationFactory<Program>
{
    /// <summary>How long a test waits, in real time, for the app to reach a state.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _data = new("wadash-http");
    private bool _cleanedUp;

    public WebAppFactory()
        : this(startDelay: TimeSpan.FromMilliseconds(50))
    {
    }

    protected WebAppFactory(TimeSpan startDelay) => StartDelay = startDelay;

    public TimeSpan StartDelay { get; }

    public string DataDirectory => _data.Path;

    /// <summary>An admin key from configuration; <see cref="WebApplicationFactory{T}.CreateClient()"/> sends it on every request.</summary>
    public string ApiKey { get; } = "tests-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    /// <summary>A client that sends no key and follows no redirect: what an anonymous caller sees.</summary>
    public HttpClient CreateAnonymousClient()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    /// <summary>The database the app runs on; SQLite's default file unless a subclass says otherwise.</summary>
    protected virtual TestDatabase? Database => null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>(Database?.Settings ?? [])
        {
            ["Storage:DataDirectory"] = _data.Path,
            ["Simulator:StartDelay"] = StartDelay.ToString("c"),
            ["Simulator:PreKeyFiles"] = "3",
            ["Reconnect:BaseDelay"] = "00:00:00.500",
            ["Supervision:DeadlineTick"] = "00:00:00.050",
            ["Security:ApiKeys:tests:Key"] = ApiKey,
            ["Security:ApiKeys:tests:Role"] = "Admin",
            // The outbox sends as soon as an account is connected, so a test does not wait out the production pacing.
            ["Messaging:MinSpacing"] = "00:00:00",
            ["Messaging:MaxSpacing"] = "00:00:00",
            ["Messaging:RampDelay"] = "00:00:00",
            ["Messaging:RampDuration"] = "00:00:00",
            ["Messaging:RetryBaseDelay"] = "00:00:00.200",
            ["Messaging:DispatchTick"] = "00:00:00.050",
        }));

    }

    /// <summary>
    /// Polls <paramref name="url"/> until its JSON body satisfies <paramref name="predicate"/>; fails with the last body
    /// after <see cref="Patience"/>.
    /// </summary>
    public static async Task<JsonElement> PollAsync(HttpClient client, string url, Func<JsonElement, bool> predicate, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await client.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var body = JsonSerializer.Deserialize<JsonElement>(text);
                if (predicate(body))
                {
                    return body;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what} at GET {url}; last answer: {(int)response.StatusCode} {text}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Adds an account through the API (201 expected); returns the account as answered.</summary>
    public static async Task<JsonElement> CreateAccountAsync(HttpClient client, string name, string phone)
    {
        using var response = await client.PostAsJsonAsync("/api/accounts", new { name, phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Links the account with a QR, lets the simulated phone scan it, and waits until it is connected.</summary>
    public static async Task<JsonElement> ConnectAsync(HttpClient client, string phone)
    {
        using var link = await client.PostAsJsonAsync($"/api/accounts/{phone}/link", new { mode = "qr" });
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        using var scan = await client.PostAsync($"/api/simulator/accounts/{phone}/scan", null);
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        return await PollAsync(client, $"/api/accounts/{phone}/status", s => s.GetProperty("isConnected").GetBoolean(), $"{phone} to connect");
    }

    /// <summary>Both Dispose and DisposeAsync end here, after the host has stopped.</summary>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !_cleanedUp)
        {
            _cleanedUp = true;
            SqliteConnection.ClearAllPools();
            Database?.Dispose();
            _data.Dispose();
        }
    }
}
