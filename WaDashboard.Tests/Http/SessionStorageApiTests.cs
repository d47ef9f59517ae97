using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Http;

/// <summary>Session storage over HTTP: session-info in note 001's shape, the repairs, the quarantine and the fleet cleanup job.</summary>
public sealed class SessionStorageApiTestsOnSqlite(WebAppFactory factory) : SessionStorageApiTests<WebAppFactory>(factory);

public sealed class SessionStorageApiTestsOnPostgres(PostgresWebAppFactory factory) : SessionStorageApiTests<PostgresWebAppFactory>(factory);

public abstract class SessionStorageApiTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : WebAppFactory
{
    private readonly HttpClient _client = factory.CreateClient();

    private string Sessions => Path.Combine(factory.DataDirectory, "sessions");

    [Fact]
    public async Task Session_info_reports_a_linked_session_as_it_is_on_disk()
    {
        var id = await AddConnectedAsync("+972503000001");

        var info = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972503000001/session-info");

        var session = info.GetProperty("session");
        Assert.True(session.GetProperty("exists").GetBoolean());
        Assert.True(session.GetProperty("isValid").GetBoolean());
        var folder = Path.Combine(Sessions, id, "1");
        Assert.Equal(folder, session.GetProperty("path").GetString());
        var bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        Assert.Equal(Math.Round(bytes / (double)SessionStorageOptions.BytesPerMegabyte, 3), session.GetProperty("sizeMB").GetDouble());
        Assert.Equal(Directory.GetFiles(folder).Length, session.GetProperty("fileCount").GetInt32());
        Assert.Equal("Baileys", session.GetProperty("format").GetString());
        Assert.Equal(3, session.GetProperty("keyFiles").GetProperty("pre-key").GetInt32());
        var rules = session.GetProperty("validationDetails").GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("rule").GetString()!, r => r.GetProperty("passed").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["exists"] = true, ["size"] = true, ["fileCount"] = true, ["requiredFiles"] = true, ["login"] = true, ["integrity"] = true }, rules);
        Assert.Equal(200, session.GetProperty("validationDetails").GetProperty("maxSizeMB").GetDouble());

        var connection = info.GetProperty("connection");
        Assert.True(connection.GetProperty("isConnected").GetBoolean());
        Assert.True(connection.GetProperty("health").GetProperty("isHealthy").GetBoolean());
        Assert.Equal(0, connection.GetProperty("health").GetProperty("reconnectAttempts").GetInt32());

        var recommendations = info.GetProperty("recommendations");
        Assert.False(recommendations.GetProperty("shouldClearSession").GetBoolean());
        Assert.False(recommendations.GetProperty("shouldReconnect").GetBoolean());
        Assert.False(recommendations.GetProperty("needsQRScan").GetBoolean());
        Assert.Equal(0, info.GetProperty("findings").GetArrayLength());

        // By account id too.
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/api/accounts/{id}/session-info")).StatusCode);
    }

    [Fact]
    public async Task A_corrupt_session_is_reported_invalid_with_clearing_recommended_and_clearing_it_relinks_with_a_QR()
    {
        var id = await AddConnectedAsync("+972503000002");
        await PostAsync("/api/simulator/accounts/+972503000002/faults", new { kind = "corrupt" }, HttpStatusCode.OK);

        var info = await WebAppFactory.PollAsync(_client, "/api/accounts/+972503000002/session-info",
            i => i.GetProperty("status").GetString() == "SessionCorrupt", "the corruption to be reported");

        Assert.True(info.GetProperty("session").GetProperty("exists").GetBoolean());
        Assert.False(info.GetProperty("session").GetProperty("isValid").GetBoolean());
        Assert.Equal("Corrupt", info.GetProperty("session").GetProperty("verdict").GetString());
        Assert.True(info.GetProperty("recommendations").GetProperty("shouldClearSession").GetBoolean());
        Assert.False(info.GetProperty("recommendations").GetProperty("shouldReconnect").GetBoolean());
        Assert.True(info.GetProperty("recommendations").GetProperty("needsQRScan").GetBoolean());
        Assert.False(info.GetProperty("connection").GetProperty("health").GetProperty("isHealthy").GetBoolean());
        var finding = info.GetProperty("findings")[0];
        Assert.Equal(("CredsUnreadable", "Critical", "clear-session"), (finding.GetProperty("kind").GetString(), finding.GetProperty("severity").GetString(), finding.GetProperty("action").GetString()));
        Assert.Contains("cut off", finding.GetProperty("detail").GetString());
        var integrity = info.GetProperty("session").GetProperty("validationDetails").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("rule").GetString() == "integrity");
        Assert.False(integrity.GetProperty("passed").GetBoolean());

        using var cleared = await _client.PostAsync("/api/accounts/+972503000002/session/clear", null);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Contains("quarantine", (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        var relinking = await WebAppFactory.PollAsync(_client, "/api/accounts/+972503000002/status", s => s.GetProperty("hasQRCode").GetBoolean(), "a fresh QR");
        Assert.Equal("AwaitingQrScan", relinking.GetProperty("connectionStatus").GetString());
        Assert.False(Directory.Exists(Path.Combine(Sessions, id, "1")));
        var quarantine = await _client.GetFromJsonAsync<JsonElement>("/api/storage/quarantine");
        Assert.Contains(quarantine.EnumerateArray(), e => e.GetProperty("accountId").GetString() == id && e.GetProperty("generation").GetInt32() == 1
                                                         && e.GetProperty("complete").GetBoolean());
        var backups = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972503000002/session/backups");
        Assert.Equal(1, backups[0].GetProperty("generation").GetInt32());
        Assert.False(backups[0].GetProperty("holdsLogin").GetBoolean());
    }

    [Fact]
    public async Task An_account_without_a_session_needs_a_QR_and_unknown_or_malformed_accounts_get_clear_errors()
    {
        await PostAsync("/api/accounts", new { name = "Fresh", phone = "+972503000003" }, HttpStatusCode.Created);

        var info = await _client.GetFromJsonAsync<JsonElement>("/api/accounts/+972503000003/session-info");
        Assert.False(info.GetProperty("session").GetProperty("exists").GetBoolean());
        Assert.False(info.GetProperty("session").GetProperty("isValid").GetBoolean());
        Assert.True(info.GetProperty("recommendations").GetProperty("needsQRScan").GetBoolean());
        Assert.Equal("NotLinked", info.GetProperty("findings")[0].GetProperty("kind").GetString());
        Assert.Equal("scan-qr", info.GetProperty("findings")[0].GetProperty("action").GetString());

        using var unknown = await _client.GetAsync("/api/accounts/+972599999999/session-info");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No account has the phone number", await unknown.Content.ReadAsStringAsync());
        using var malformed = await _client.GetAsync("/api/accounts/0501234567/session-info");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("E.164", await malformed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Repairs_of_a_session_in_use_are_refused_with_the_reason_and_change_nothing()
    {
        var id = await AddConnectedAsync("+972503000004");
        var folder = Path.Combine(Sessions, id, "1");
        SessionFixtures.Write(Path.Combine(folder, "Cache", "data_0"), SessionFixtures.RandomBytes(50_000));
        var before = SessionFixtures.Manifest(folder);

        foreach (var action in new[] { "trim-caches", "remove-stale-lock", "remove-temp-files" })
        {
            using var response = await _client.PostAsync($"/api/accounts/+972503000004/session/{action}", null);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.GetProperty("success").GetBoolean());
            Assert.Contains("in use", body.GetProperty("message").GetString());
        }

        Assert.Equal(before, SessionFixtures.Manifest(folder));

        // Stopped, the same repair runs and says what it freed.
        await PostAsync("/api/accounts/+972503000004/stop", null, HttpStatusCode.OK);
        using var trimmed = await _client.PostAsync("/api/accounts/+972503000004/session/trim-caches", null);
        Assert.Equal(HttpStatusCode.OK, trimmed.StatusCode);
        var result = await trimmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Math.Round(50_000 / (double)SessionStorageOptions.BytesPerMegabyte, 3), result.GetProperty("freedMB").GetDouble());
        Assert.False(Directory.Exists(Path.Combine(folder, "Cache")));
    }

    [Fact]
    public async Task The_fleet_cleanup_reports_a_dry_run_first_and_then_moves_an_orphan_folder_to_the_quarantine()
    {
        var orphan = Path.Combine(Sessions, "left-behind");
        SessionFixtures.Write(Path.Combine(orphan, "creds.json"), "{}");
        SessionFixtures.Write(Path.Combine(orphan, "pre-key-1.json"), SessionFixtures.RandomBytes(10_000));

        var dry = await RunCleanupAsync(dryRun: true);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        var item = dry.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("path").GetString() == "left-behind");
        Assert.Equal("OrphanFolder", item.GetProperty("kind").GetString());
        Assert.True(dry.GetProperty("wouldQuarantineMB").GetDouble() >= Math.Round(10_002 / (double)SessionStorageOptions.BytesPerMegabyte, 3));
        Assert.StartsWith("Would clean up", dry.GetProperty("summary").GetString());
        Assert.True(Directory.Exists(orphan));

        var run = await RunCleanupAsync(dryRun: false);
        Assert.False(run.GetProperty("dryRun").GetBoolean());
        Assert.Equal("Done", run.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("path").GetString() == "left-behind").GetProperty("outcome").GetString());
        Assert.False(Directory.Exists(orphan));
        var quarantine = await _client.GetFromJsonAsync<JsonElement>("/api/storage/quarantine");
        Assert.Contains(quarantine.EnumerateArray(), e => e.GetProperty("originalPaths")[0].GetString() == "left-behind" && e.GetProperty("kind").GetString() == "orphan");
    }

    [Fact]
    public async Task Hostile_names_in_the_storage_routes_never_reach_outside_the_sessions_root()
    {
        var id = await AddConnectedAsync("+972503000005");
        var outside = Path.Combine(factory.DataDirectory, "outside");
        SessionFixtures.Write(Path.Combine(outside, "secret.txt"), "outside");
        SessionFixtures.Write(Path.Combine(Sessions, "real-orphan", "a.txt"), "orphan");
        var before = OutsideTheRoot(outside);
        var random = new Random(11);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var successes = new List<string>();

        foreach (var name in HostileNames.Generate(random, ["real-orphan", "../outside", outside, id, ".quarantine", ".backups"], Sessions).Take(1_500))
        {
            var escaped = Uri.EscapeDataString(name);
            foreach (var (method, url) in new[]
            {
                (HttpMethod.Post, $"/api/storage/orphans/{escaped}/quarantine"),
                (HttpMethod.Get, $"/api/accounts/{escaped}/session-info"),
                (HttpMethod.Post, $"/api/accounts/{id}/session/backups/{escaped}/restore"),
            })
            {
                HttpResponseMessage response;
                try
                {
                    response = await _client.SendAsync(new HttpRequestMessage(method, url));
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("null characters", StringComparison.Ordinal))
                {
                    // A NUL in the path is refused by the HTTP layer before any routing (Kestrel answers 400).
                    statuses[HttpStatusCode.BadRequest] = statuses.GetValueOrDefault(HttpStatusCode.BadRequest) + 1;
                    continue;
                }

                using var _ = response;
                statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                Assert.True((int)response.StatusCode < 500, $"{method} {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                if (response.IsSuccessStatusCode)
                {
                    successes.Add($"{method} {url}");
                }
            }
        }

        // The only thing that may succeed is quarantining the one real orphan (and reading the account by its own id).
        Assert.All(successes, s => Assert.True(s == "POST /api/storage/orphans/real-orphan/quarantine" || s == $"GET /api/accounts/{id}/session-info", s));
        Assert.Contains("POST /api/storage/orphans/real-orphan/quarantine", successes);
        Assert.Equal(before, OutsideTheRoot(outside));
        Assert.True(File.Exists(Path.Combine(Sessions, id, "1", "creds.json")));
        Assert.True(statuses.Keys.All(code => code is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.MethodNotAllowed),
            string.Join(", ", statuses.Select(p => $"{(int)p.Key}×{p.Value}")));
    }

    /// <summary>What lies beside the sessions root: the data folder's entries and the contents of the folder an escape would reach.</summary>
    private string OutsideTheRoot(string outside) =>
        string.Join(", ", Directory.EnumerateFileSystemEntries(factory.DataDirectory).Select(Path.GetFileName).Where(n => n is not "logs" && !n!.StartsWith("wadashboard.db", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        + " | " + string.Join(", ", SessionFixtures.Manifest(outside).Select(p => $"{p.Key}={p.Value}"));

    private async Task<JsonElement> RunCleanupAsync(bool dryRun)
    {
        var previous = (await _client.GetFromJsonAsync<JsonElement>("/api/storage/cleanup")).GetProperty("runId").GetInt64();
        await PostAsync("/api/storage/cleanup", new { dryRun }, HttpStatusCode.Accepted);
        var status = await WebAppFactory.PollAsync(_client, "/api/storage/cleanup",
            s => !s.GetProperty("running").GetBoolean() && s.GetProperty("lastReport").ValueKind == JsonValueKind.Object
                 && s.GetProperty("lastReport").GetProperty("runId").GetInt64() > previous, "the cleanup to finish");
        return status.GetProperty("lastReport");
    }

    private async Task<string> AddConnectedAsync(string phone)
    {
        using var created = await _client.PostAsJsonAsync("/api/accounts", new { name = "Storage " + phone[^2..], phone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await PostAsync($"/api/accounts/{phone}/link", new { mode = "qr" }, HttpStatusCode.OK);
        await PostAsync($"/api/simulator/accounts/{phone}/scan", null, HttpStatusCode.OK);
        await WebAppFactory.PollAsync(_client, $"/api/accounts/{phone}/status", s => s.GetProperty("isConnected").GetBoolean(), "Connected");
        return id;
    }

    private async Task PostAsync(string url, object? body, HttpStatusCode expected)
    {
        using var response = body is null ? await _client.PostAsync(url, null) : await _client.PostAsJsonAsync(url, body);
        Assert.True(response.StatusCode == expected, $"POST {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
