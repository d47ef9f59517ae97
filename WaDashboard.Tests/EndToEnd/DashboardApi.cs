using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>The REST API of a running app, for setting the scene and checking what the browser showed.</summary>
public sealed class DashboardApi : IDisposable
{
    private static readonly TimeSpan StatusPatience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient _http;
    private readonly Func<int, string> _appOutput;

    public DashboardApi(Uri baseUrl, Func<int, string> appOutput, string apiKey)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        _appOutput = appOutput;
    }

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
