using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Core.Audit;
using WaDashboard.Tests.Http;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

/// <summary>API keys against the real app: roles decide what a key may do; revoked or wrong keys get nothing; only a hash is stored.</summary>
public sealed class RolesAndKeysTests : IClassFixture<WebAppFactory>
{
    private readonly WebAppFactory _factory;

    public RolesAndKeysTests(WebAppFactory factory) => _factory = factory;

    private HttpClient ClientWith(string key)
    {
        var client = _factory.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private async Task<string> NewKeyAsync(string name, string role)
    {
        _ = _factory.Server;
        var (_, key) = await _factory.Services.GetRequiredService<ApiKeyService>().CreateAsync(name, role, "tests", CancellationToken.None);
        return key;
    }

    [Fact]
    public async Task A_viewer_key_reads_but_cannot_perform_operator_actions()
    {
        using var admin = _factory.CreateClient();
        (await admin.PostAsJsonAsync("/api/accounts", new { name = "Seen", phone = "+972507100001" })).EnsureSuccessStatusCode();
        using var viewer = ClientWith(await NewKeyAsync("viewer-1", Roles.Viewer));

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/accounts/%2B972507100001/disconnect-reason")).StatusCode);

        foreach (var (method, url) in new[]
                 {
                     ("POST", "/api/accounts"), ("POST", "/api/accounts/%2B972507100001/reconnect"), ("POST", "/api/accounts/%2B972507100001/link"),
                     ("POST", "/api/accounts/%2B972507100001/logout"), ("POST", "/api/accounts/%2B972507100001/stop"), ("DELETE", "/api/accounts/%2B972507100001"),
                     ("POST", "/api/simulator/accounts/%2B972507100001/scan"), ("POST", "/api/simulator/accounts/%2B972507100001/faults"),
                 })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = JsonContent.Create(new { name = "x", phone = "+972507100002", kind = "drop" }) };
            using var response = await viewer.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {url} answered {(int)response.StatusCode} to a viewer");
        }

        var state = await admin.GetFromJsonAsync<JsonElement>("/api/accounts/%2B972507100001");
        Assert.Equal("New", state.GetProperty("status").GetString()); // nothing happened to it
    }

    [Fact]
    public async Task An_operator_key_acts_on_accounts_but_only_an_admin_deletes_them()
    {
        using var operatorClient = ClientWith(await NewKeyAsync("operator-1", Roles.Operator));

        Assert.Equal(HttpStatusCode.Created, (await operatorClient.PostAsJsonAsync("/api/accounts", new { name = "Ops", phone = "+972507200001" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsync("/api/accounts/%2B972507200001/reconnect", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.DeleteAsync("/api/accounts/%2B972507200001")).StatusCode);
        using var admin = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/accounts/%2B972507200001")).StatusCode);
    }

    [Fact]
    public async Task Wrong_and_revoked_keys_are_refused_and_the_database_holds_no_key()
    {
        var key = await NewKeyAsync("to-revoke", Roles.Admin);
        using var client = ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/accounts")).StatusCode);

        using var wrong = ClientWith(key[..^2] + "xx");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/accounts")).StatusCode);

        var keys = _factory.Services.GetRequiredService<ApiKeyService>();
        var info = (await keys.ListAsync(CancellationToken.None)).Single(k => k.Name == "to-revoke");
        await keys.RevokeAsync(info.Id, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/accounts")).StatusCode);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_factory.DataDirectory, "wadashboard.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Name, Prefix, Hash FROM ApiKeys WHERE Name = 'to-revoke'";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var stored = $"{reader.GetString(0)} {reader.GetString(1)} {reader.GetString(2)}";
        Assert.DoesNotContain(key, stored);
        Assert.DoesNotContain(key.Split('_', 3)[2], stored); // not even the secret part (base64url may itself hold '_')
        Assert.Equal(64, reader.GetString(2).Length); // a SHA-256 hash
    }

    [Fact]
    public async Task Actions_through_a_key_are_audited_by_the_keys_name_never_its_value()
    {
        var key = await NewKeyAsync("audited", Roles.Operator);
        using var client = ClientWith(key);
        (await client.PostAsJsonAsync("/api/accounts", new { name = "Audit me", phone = "+972507300001" })).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/accounts/%2B972507300001/reconnect", null)).EnsureSuccessStatusCode();

        var entries = await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(50);
        Assert.Contains(entries, e => e.Actor == "api-key:audited" && e.Action == "account.add");
        Assert.Contains(entries, e => e.Actor == "api-key:audited" && e.Action == "reconnect" && e.AccountId is not null);
        Assert.DoesNotContain(entries, e => $"{e.Actor} {e.Detail}".Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operator_actions_refuse_a_viewer_even_when_called_directly_and_audit_nothing()
    {
        using var admin = _factory.CreateClient();
        (await admin.PostAsJsonAsync("/api/accounts", new { name = "Direct", phone = "+972507500001" })).EnsureSuccessStatusCode();
        var fleet = _factory.Services.GetRequiredService<WaDashboard.Core.Sessions.Fleet>();
        var account = fleet.Find("+972507500001")!;
        var viewer = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.Name, "viewer@example.test"), new(System.Security.Claims.ClaimTypes.Role, Roles.Viewer)], "test"));

        await using var scope = _factory.Services.CreateAsyncScope();
        var actions = scope.ServiceProvider.GetRequiredService<OperatorActions>();
        var result = await actions.SendAsync(viewer, account.Id, new WaDashboard.Core.Sessions.LinkCommand(WaDashboard.Core.Engines.LinkMode.Qr), CancellationToken.None);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => actions.AddAccountAsync(viewer, "x", "+972507500002", CancellationToken.None));

        Assert.Equal(WaDashboard.Core.Sessions.CommandOutcome.Refused, result.Outcome);
        Assert.Equal(WaDashboard.Core.Accounts.AccountStatus.New, fleet.Get(account.Id)!.Status);
        Assert.Null(fleet.Find("+972507500002"));
        var entries = await _factory.Services.GetRequiredService<AuditLog>().LatestAsync(100, account.Id);
        Assert.DoesNotContain(entries, e => e.Actor == "viewer@example.test");
    }
}
