using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace WaDashboard.Testing;

/// <summary>The REST API of a running app, for setting the scene and checking what the browser showed.</summary>
public sealed class DashboardApi : IDisposable
{
    private static readonly TimeSpan StatusPatience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private readonly Func<int, string> _appOutput;

    public DashboardApi(Uri baseUrl, Func<int, string> appOutput, string apiKey, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        _appOutput = appOutput;
    }

    /// <summary>The admin-keyed client itself, for a call this class does not wrap.</summary>
    public HttpClient Http => _http;

    public async Task<ApiAccount> AddAccountAsync(string name, string phone)
    {
        using var response = await _http.PostAsJsonAsync("api/accounts", new { name, phone });
        await ExpectAsync(response, HttpStatusCode.Created);
        return await ReadAsync<ApiAccount>(response);
    }

    public async Task<IReadOnlyList<ApiAccount>> ListAccountsAsync()
    {
        using var response = await _http.GetAsync("api/accounts");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<List<ApiAccount>>(response);
    }

    public async Task<ApiAccount> GetAccountAsync(string account)
    {
        using var response = await _http.GetAsync($"api/accounts/{account}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<ApiAccount>(response);
    }

    public async Task<ApiStatus> GetStatusAsync(string account)
    {
        using var response = await _http.GetAsync($"api/accounts/{account}/status");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<ApiStatus>(response);
    }

    /// <summary>What a person does with "Link with QR code": returns once the first QR is up.</summary>
    public async Task LinkWithQrAsync(string account)
    {
        using var response = await _http.PostAsJsonAsync($"api/accounts/{account}/link", new { mode = "qr" });
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The simulated phone scans the QR on screen.</summary>
    public async Task ScanAsync(string account)
    {
        using var response = await _http.PostAsync($"api/simulator/accounts/{account}/scan", content: null);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Makes something go wrong on the simulated side: drop, logout, replace, ban, corrupt, slow-start.</summary>
    public async Task InjectFaultAsync(string account, string kind)
    {
        using var response = await _http.PostAsJsonAsync($"api/simulator/accounts/{account}/faults", new { kind });
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Operator stop: the session closes, the login stays.</summary>
    public async Task StopAccountAsync(string account)
    {
        using var response = await _http.PostAsync($"api/accounts/{account}/stop", content: null);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Click-to-reconnect (restores a linked session without a QR).</summary>
    public async Task ReconnectAsync(string account)
    {
        using var response = await _http.PostAsync($"api/accounts/{account}/reconnect", content: null);
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Queues a message; answers 202 with the message (a repeat with the same key answers the same message).</summary>
    public async Task<ApiMessage> SendMessageAsync(string account, string to, string text, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/accounts/{account}/messages") { Content = JsonContent.Create(new { to, text }) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        await ExpectAsync(response, HttpStatusCode.Accepted);
        return await ReadAsync<ApiMessage>(response) with { Replayed = response.Headers.Contains("Idempotent-Replayed") };
    }

    public async Task<ApiMessage> GetMessageAsync(long id)
    {
        using var response = await _http.GetAsync($"api/messages/{id}");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<ApiMessage>(response);
    }

    public async Task<IReadOnlyList<ApiMessage>> ListMessagesAsync(string? status = null, int limit = 1000)
    {
        using var response = await _http.GetAsync($"api/messages?limit={limit}" + (status is null ? "" : $"&status={status}"));
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<List<ApiMessage>>(response);
    }

    public async Task<ApiOutboxSummary> GetOutboxSummaryAsync()
    {
        using var response = await _http.GetAsync("api/messages/summary");
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<ApiOutboxSummary>(response);
    }

    /// <summary>A person's decision on a message whose outcome is unknown: "sent" (it arrived) or "resend".</summary>
    public async Task ResolveMessageAsync(long id, string outcome)
    {
        using var response = await _http.PostAsJsonAsync($"api/messages/{id}/resolve", new { outcome });
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Polls the account until it reaches <paramref name="status"/>; fails with the app's output if it does not.</summary>
    public async Task<ApiAccount> WaitForStatusAsync(string account, string status)
    {
        var elapsed = Stopwatch.StartNew();
        var last = await GetAccountAsync(account);
        while (last.Status != status)
        {
            if (elapsed.Elapsed > StatusPatience)
            {
                throw new TimeoutException(
                    $"Account {account} stayed {last.Status}; expected {status} within {StatusPatience.TotalSeconds:0} s.\n{_appOutput(80)}");
            }

            await Task.Delay(StatusPollInterval);
            last = await GetAccountAsync(account);
        }

        return last;
    }

    /// <summary>What /api/diagnostics/process answers; <paramref name="collect"/> runs a full garbage collection first.</summary>
    public async Task<ProcessDiagnostics> GetProcessDiagnosticsAsync(bool collect, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(collect ? "api/diagnostics/process?collect=true" : "api/diagnostics/process", cancellationToken);
        await ExpectAsync(response, HttpStatusCode.OK);
        return await ReadAsync<ProcessDiagnostics>(response);
    }

    /// <summary>Polls the process diagnostics until <paramref name="count"/> accounts are connected; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForConnectedAsync(int count, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = await GetProcessDiagnosticsAsync(collect: false, cancellationToken);
            if (now.Connected >= count)
            {
                return clock.Elapsed;
            }

            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"Only {now.Connected} of {count} accounts connected within {patience.TotalSeconds:0} s.\n{_appOutput(40)}");
            }

            await Task.Delay(StatusPollInterval, cancellationToken);
        }
    }

    private async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}\n{_appOutput(80)}");
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<T>() ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered an empty body.");

    public void Dispose() => _http.Dispose();
}

/// <summary>What /api/diagnostics/process answers.</summary>
public sealed record ProcessDiagnostics(
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("connected")] int Connected,
    [property: JsonPropertyName("working_set_mb")] double WorkingSetMb,
    [property: JsonPropertyName("managed_heap_mb")] double ManagedHeapMb,
    [property: JsonPropertyName("threads")] int Threads);

public sealed record ApiAccount(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("generation")] int Generation);

public sealed record ApiStatus(
    [property: JsonPropertyName("connectionStatus")] string ConnectionStatus,
    [property: JsonPropertyName("isConnected")] bool IsConnected,
    [property: JsonPropertyName("hasQRCode")] bool HasQrCode);

public sealed record ApiMessage(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("account_id")] string AccountId,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("engine_message_id")] string? EngineMessageId,
    [property: JsonPropertyName("error")] string? Error)
{
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed record ApiOutboxSummary(
    [property: JsonPropertyName("by_status")] Dictionary<string, int> ByStatus,
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("refused_at_engine_boundary")] long RefusedAtEngineBoundary,
    [property: JsonPropertyName("held_not_connected")] long HeldNotConnected,
    [property: JsonPropertyName("refused_not_connected")] long RefusedNotConnected)
{
    public int Count(string status) => ByStatus.TryGetValue(status, out var n) ? n : 0;
}
