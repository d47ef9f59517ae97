using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using WaDashboard.Tests.EndToEnd;

namespace WaDashboard.Tests.Observability;

/// <summary>
/// The real app process, driven through a small day of a fleet with the simulator, then scraped once at /metrics:
/// account A links and drops with 408 three times (reconnecting twice, then the loop breaker pauses it), B links and
/// sends two messages, C links and is logged out from the phone, and an unsigned webhook is refused.
/// </summary>
public sealed class ScrapedFleet : IAsyncLifetime
{
    public const string PhoneA = "+972501110001";
    public const string PhoneB = "+972501110002";
    public const string PhoneC = "+972501110003";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public string MetricsKey { get; } = Secret("metrics");
    public string ViewerKey { get; } = Secret("viewer");
    public string OperatorKey { get; } = Secret("operator");

    private AppProcess? _app;

    public AppProcess App => _app ?? throw new InvalidOperationException("The app has not started.");

    public string ScrapeText { get; private set; } = "";

    public IReadOnlyList<PrometheusSample> Scrape { get; private set; } = [];

    /// <summary>Every account's timeline, as the API reports it, read right before the scrape.</summary>
    public IReadOnlyList<JsonElement> Timelines { get; private set; } = [];

    public IReadOnlyList<JsonElement> Accounts { get; private set; } = [];

    public int MessagesSent { get; private set; }

    /// <summary>What /healthz/ready answered, read right after the scrape.</summary>
    public (HttpStatusCode Status, JsonElement Body) Readiness { get; private set; }

    public async Task InitializeAsync()
    {
        _app = await AppProcess.StartAsync(new AppProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Simulator__StartDelay"] = "00:00:00.050",
                ["Reconnect__BaseDelay"] = "00:00:00.500",
                ["Reconnect__LoopMaxDisconnects"] = "3",
                ["Supervision__DeadlineTick"] = "00:00:00.050",
                ["Messaging__MinSpacing"] = "00:00:00",
                ["Messaging__MaxSpacing"] = "00:00:00",
                ["Messaging__RampDelay"] = "00:00:00",
                ["Messaging__RampDuration"] = "00:00:00",
                ["Messaging__DispatchTick"] = "00:00:00.050",
                ["Observability__MetricsKey"] = MetricsKey,
                ["Observability__SampleInterval"] = "00:00:01",
                ["Security__ApiKeys__viewer__Key"] = ViewerKey,
                ["Security__ApiKeys__viewer__Role"] = "Viewer",
                ["Security__ApiKeys__operator__Key"] = OperatorKey,
                ["Security__ApiKeys__operator__Role"] = "Operator",
                ["Security__Webhooks__Secret"] = Secret("webhooks"),
                // A gateway server that never answers (nothing listens on the discard port): its readiness check and gauge say so.
                ["Gateways__Servers__0__Id"] = "waha-down",
                ["Gateways__Servers__0__Url"] = "http://127.0.0.1:9",
                ["Gateways__Servers__0__ApiKey"] = Secret("waha"),
                ["Gateways__Servers__0__Capacity"] = "10",
            },
        });
        try
        {
            await PlayAsync();
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"{ex.Message}\n{App.OutputTail()}", ex);
        }
    }

    private async Task PlayAsync()
    {
        var api = App.Api;
        using var http = Client(App.ApiKey);
        foreach (var (name, phone) in new[] { ("Front desk", PhoneA), ("Reminders", PhoneB), ("Billing", PhoneC) })
        {
            using (var added = await http.PostAsJsonAsync("api/accounts", new { name, phone, worker_id = "simulator" }))
            {
                Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            }

            await api.LinkWithQrAsync(Uri.EscapeDataString(phone));
            await api.ScanAsync(Uri.EscapeDataString(phone));
            await api.WaitForStatusAsync(Uri.EscapeDataString(phone), "Connected");
        }

        // A: three drops with 408; the first two reconnect by themselves, the third is one too many for the loop breaker.
        var a = Uri.EscapeDataString(PhoneA);
        for (var drop = 1; drop <= 2; drop++)
        {
            await DropAsync(http, a);
            await WaitForTimelineAsync(http, a, entries => entries.Count(e => e.GetProperty("to").GetString() == "Connected") == drop + 1, $"reconnect {drop}");
        }

        await DropAsync(http, a);
        await api.WaitForStatusAsync(a, "Disconnected");

        // B: two messages sent.
        var b = Uri.EscapeDataString(PhoneB);
        var messages = new[] { await api.SendMessageAsync(b, "+972521234567", "Your appointment is tomorrow at 9:30."), await api.SendMessageAsync(b, "+972521234568", "Reminder: bring your card.") };
        foreach (var message in messages)
        {
            await WaitAsync(async () => (await api.GetMessageAsync(message.Id)).Status == "Sent", $"message {message.Id} sent");
        }

        MessagesSent = messages.Length;

        // C: logged out from the phone.
        using (var logout = await http.PostAsJsonAsync($"api/simulator/accounts/{Uri.EscapeDataString(PhoneC)}/faults", new { kind = "logout" }))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        await api.WaitForStatusAsync(Uri.EscapeDataString(PhoneC), "LoggedOut");

        // An unsigned webhook, in the name of a configured server.
        using (var webhook = await Client(null).PostAsync("api/webhooks/waha-down", JsonContent.Create(new { id = "evt-1", timestamp = 0 })))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, webhook.StatusCode);
        }

        Accounts = await http.GetFromJsonAsync<List<JsonElement>>("api/accounts") ?? [];
        var timelines = new List<JsonElement>();
        foreach (var account in Accounts)
        {
            timelines.AddRange(await http.GetFromJsonAsync<List<JsonElement>>($"api/accounts/{account.GetProperty("id").GetString()}/timeline") ?? []);
        }

        Timelines = timelines;
        using var scraper = Client(null);
        scraper.DefaultRequestHeaders.Authorization = new("Bearer", MetricsKey);
        using var scrape = await scraper.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        ScrapeText = await scrape.Content.ReadAsStringAsync();
        Scrape = PrometheusText.Parse(ScrapeText);
        using var ready = await Client(null).GetAsync("healthz/ready");
        Readiness = (ready.StatusCode, JsonSerializer.Deserialize<JsonElement>(await ready.Content.ReadAsStringAsync()));
    }

    public HttpClient Client(string? apiKey)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = App.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    private static async Task DropAsync(HttpClient http, string account)
    {
        using var response = await http.PostAsJsonAsync($"api/simulator/accounts/{account}/faults", new { kind = "drop", code = "408", text = "Connection timed out" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task WaitForTimelineAsync(HttpClient http, string account, Func<List<JsonElement>, bool> predicate, string what) =>
        WaitAsync(async () => predicate(await http.GetFromJsonAsync<List<JsonElement>>($"api/accounts/{account}/timeline") ?? []), what);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > Patience)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static string Secret(string name) => $"{name}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(24))}";

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
