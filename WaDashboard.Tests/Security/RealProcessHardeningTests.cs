using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WaDashboard.Tests.EndToEnd;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>The attacks of the hardening review replayed against the real process, as it runs from the README.</summary>
[Collection(EndToEndCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class RealProcessHardeningTests
{
    private const string ForgedStart = "2026-12-03T10:40:00";

    [Fact]
    public async Task Forged_log_lines_from_a_url_a_sign_in_email_and_an_account_name_stay_inside_their_values()
    {
        await using var app = await AppProcess.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };

        // Verbatim from the review: answered 401, and its path used to become a line of its own.
        using (var webhook = await anonymous.PostAsync(
            "/api/webhooks/x%0D%0A2026-12-03T10:40:00.0000000+00:00%20[INF]%20WaDashboard.Web.Webhooks:%20FORGED", new StringContent("{}")))
        {
            Assert.True(webhook.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, webhook.StatusCode.ToString());
        }

        var forgedEmail = "a@b.c\r\n" + ForgedStart + ".0000000+00:00 [INF] WaDashboard.Core.Audit.AuditLog: Audit: admin@example.test user.signin : FORGED";
        using (var signIn = await PostSignInAsync(app.BaseUrl, forgedEmail, "whatever 42 password"))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        }

        app.Api.Dispose();
        using var automation = new HttpClient { BaseAddress = app.BaseUrl };
        automation.DefaultRequestHeaders.Add("X-Api-Key", app.ApiKey);
        using (var account = await automation.PostAsJsonAsync("/api/accounts", new { name = "Clinic\r\n" + ForgedStart + " [INF] FORGED", phone = "+972503330001" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, account.StatusCode);
        }

        await app.StopAsync();
        var logFiles = Directory.GetFiles(Path.Combine(app.DataDirectory, "logs"));
        var lines = logFiles.SelectMany(File.ReadAllLines).ToList();
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.Contains("FORGED", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.False(line.StartsWith(ForgedStart, StringComparison.Ordinal), $"A forged line in the log file: {line}");
            using var entry = JsonDocument.Parse(line); // every line is one whole event
            Assert.True(entry.RootElement.TryGetProperty("@t", out _));
        }

        var console = app.OutputTail(400).Split('\n');
        Assert.DoesNotContain(console, l => l.StartsWith(ForgedStart, StringComparison.Ordinal) || l.StartsWith("[run", StringComparison.Ordinal) && l.Contains("] " + ForgedStart, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_as_the_readme_says_bad_input_gets_a_problem_naming_the_field_and_no_stack_or_header_while_assets_still_serve()
    {
        var launch = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root(), "WaDashboard.Web", "Properties", "launchSettings.json")));
        var first = launch.RootElement.GetProperty("profiles").EnumerateObject().First();
        Assert.NotEqual("Development", first.Value.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());

        await using var app = await AppProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", app.ApiKey);
        (await http.PostAsJsonAsync("/api/accounts", new { name = "Faults", phone = "+972503340001" })).Dispose();

        foreach (var (url, body, field) in new[]
        {
            ("/api/accounts", "{\"name\":", "name"),
            ("/api/simulator/accounts/%2B972503340001/faults", "{\"kind\":\"drop\",\"code\":408}", "code"),
        })
        {
            using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"Field '{field}'", text);
            Assert.DoesNotContain(app.ApiKey, text);
            Assert.DoesNotContain("   at ", text);
            Assert.DoesNotContain("Exception", text);
        }

        using var script = await http.GetAsync("/_framework/blazor.web.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000);
    }

    [Fact]
    public async Task Logins_data_and_logs_are_private_to_the_apps_user_and_the_setup_link_reaches_only_the_console()
    {
        await using var app = await AppProcess.StartAsync();
        var account = await app.Api.AddAccountAsync("Private", "+972503350001");
        await app.Api.LinkWithQrAsync(account.Id);
        await app.Api.ScanAsync(account.Id);
        var sessions = Path.Combine(app.DataDirectory, "sessions");
        var creds = await WaitForFileAsync(Path.Combine(sessions, account.Id), "creds.json");
        await app.StopAsync();

        var token = Regex.Match(app.OutputTail(400), @"setup\?token=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(token);
        var logs = Path.Combine(app.DataDirectory, "logs");
        Assert.DoesNotContain(Directory.GetFiles(logs), f => File.ReadAllText(f).Contains(token, StringComparison.Ordinal));

        AssertPrivate(app.DataDirectory, creds, Path.GetDirectoryName(creds)!, sessions, logs);

        // What an earlier version left world-readable is tightened at the next start.
        File.SetUnixFileMode(creds, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(Path.Combine(app.DataDirectory, "wadashboard.db"), (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(sessions, (UnixFileMode)0b111_101_101);
        await app.StartAgainAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await app.StopAsync();
        AssertPrivate(app.DataDirectory, creds, sessions);
    }

    private static void AssertPrivate(string dataDirectory, params string[] extra)
    {
        var keys = Path.Combine(dataDirectory, "keys");
        var logs = Path.Combine(dataDirectory, "logs");
        var entries = new[] { dataDirectory, keys, logs, Path.Combine(dataDirectory, "wadashboard.db") }
            .Concat(extra)
            .Concat(Directory.GetFiles(keys))
            .Concat(Directory.GetFiles(logs))
            .Distinct();
        foreach (var path in entries)
        {
            var mode = File.GetUnixFileMode(path);
            var expected = Directory.Exists(path) ? (UnixFileMode)0b111_000_000 : (UnixFileMode)0b110_000_000;
            Assert.True(mode == expected, $"{path} is {Convert.ToString((int)mode, 8)}, expected {Convert.ToString((int)expected, 8)}");
        }
    }

    [Fact]
    public async Task A_database_that_cannot_be_written_makes_health_fail_and_writes_answer_503_until_it_can_again()
    {
        await using var app = await AppProcess.StartAsync(new AppProcessOptions { Settings = new Dictionary<string, string> { ["Persistence__HealthProbeInterval"] = "00:00:00.500" } });
        using var http = new HttpClient { BaseAddress = app.BaseUrl };
        http.DefaultRequestHeaders.Add("X-Api-Key", app.ApiKey);
        (await http.PostAsJsonAsync("/api/accounts", new { name = "Before", phone = "+972503360001" })).EnsureSuccessStatusCode();
        // The database and its write-ahead log, as in the review. (Not the -shm index: SQLite maps it into memory, and a
        // mapped page that cannot be written ends the process with SIGBUS before any code can notice.)
        var files = new[] { "wadashboard.db", "wadashboard.db-wal" }.Select(f => Path.Combine(app.DataDirectory, f)).Where(File.Exists).ToArray();
        if (!Chattr("+i", files))
        {
            // Needs root on a file system with attributes (as on these machines and CI); nothing else makes a file unwritable for root.
            return;
        }

        try
        {
            var health = await WaitForStatusAsync(http, "/healthz", HttpStatusCode.ServiceUnavailable);
            Assert.Contains("cannot take writes", health);
            using var refused = await http.PostAsJsonAsync("/api/accounts", new { name = "Refused", phone = "+972503360002" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("cannot take writes", await refused.Content.ReadAsStringAsync());
        }
        finally
        {
            Chattr("-i", files);
        }

        await WaitForStatusAsync(http, "/healthz", HttpStatusCode.OK);
        using var accepted = await http.PostAsJsonAsync("/api/accounts", new { name = "After", phone = "+972503360003" });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task A_signed_webhook_is_refused_as_a_replay_after_a_restart_inside_its_window()
    {
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        // A configured gateway server (never reached here): webhooks are received for configured servers only.
        await using var app = await AppProcess.StartAsync(new AppProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Security__Webhooks__Secret"] = secret,
                ["Gateways__Servers__0__Id"] = "waha-1",
                ["Gateways__Servers__0__Url"] = "http://127.0.0.1:9",
                ["Gateways__Servers__0__ApiKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                ["Gateways__Servers__0__Capacity"] = "5",
                ["Gateways__Servers__0__WebhookSecret"] = secret,
                ["Gateways__ReconcileInterval"] = "00:10:00",
            },
        });
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = "evt_" + Guid.NewGuid().ToString("N"), timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), @event = "session.status" }));
        var signature = WebhookSignatureVerifier.Sign(body, secret);

        async Task<string> DeliverAsync()
        {
            using var http = new HttpClient { BaseAddress = app.BaseUrl };
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/waha-1") { Content = content };
            request.Headers.Add(WebhookSignatureVerifier.SignatureHeader, signature);
            using var response = await http.SendAsync(request);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        // Accepted once; a redelivery of the same id is answered as already handled (WAHA retries until it gets a 2xx)
        // and is not acted on again — before a restart as after each of three.
        var first = await DeliverAsync();
        Assert.StartsWith("202", first);
        Assert.DoesNotContain("duplicate", first);
        for (var restart = 0; restart < 3; restart++)
        {
            Assert.Equal(0, await app.RestartAsync());
            var replay = await DeliverAsync();
            Assert.StartsWith("200", replay);
            Assert.Contains("\"duplicate\":true", replay);
        }

        var seen = Path.Combine(app.DataDirectory, "webhooks", "seen-ids");
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(seen));
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(Uri baseUrl, string email, string password)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var page = await http.GetAsync("/account/login");
        var token = Token().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var form = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["Input.Email"] = email,
                ["Input.Password"] = password,
            }),
        };
        form.Headers.Add("Cookie", HardenedApp.CookiesOf(page));
        return await http.SendAsync(form);
    }

    private static async Task<string> WaitForFileAsync(string folder, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (Directory.Exists(folder) && Directory.GetFiles(folder, name, SearchOption.AllDirectories).FirstOrDefault() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {name} under {folder}.");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<string> WaitForStatusAsync(HttpClient http, string url, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            using var response = await http.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == wanted)
            {
                return text;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{url} still answers {(int)response.StatusCode} {text}");
            }

            await Task.Delay(200);
        }
    }

    private static bool Chattr(string flag, string[] files)
    {
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(flag);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
