#!/usr/bin/env bash
# Makes wadashboard.db in this folder with the version of the dashboard before provider-neutral migrations
# (commit ee31e87, whose schema came from the hand-written SQLite migrations): the real app, its simulator and its
# HTTP API add accounts, link them (timeline entries), queue and send messages (outbox, audit), then a user and an API
# key are created through Identity and the key service. The upgrade test opens this file with the current version.
# Usage: WaDashboard.Tests/Fixtures/PreviousVersion/make-database.sh   (needs git and the .NET SDK)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"
commit="${1:-ee31e87}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git -C "$repo" archive "$commit" | tar -x -C "$work"
mkdir -p "$work/maker"
cat > "$work/maker/Maker.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><OutputType>Exe</OutputType><RootNamespace>Maker</RootNamespace></PropertyGroup>
  <ItemGroup><ProjectReference Include="../WaDashboard.Web/WaDashboard.Web.csproj" /></ItemGroup>
</Project>
XML
cat > "$work/maker/Program.cs" <<'CS'
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using WaDashboard.Core;
using WaDashboard.Web.Hosting;
using WaDashboard.Web.Security;

var data = args[0];
var apiKey = "maker-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = args[1] });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Urls"] = "http://127.0.0.1:0",
    ["Storage:DataDirectory"] = data,
    ["LogFiles:Enabled"] = "false",
    ["Simulator:StartDelay"] = "00:00:00.050",
    ["Simulator:PreKeyFiles"] = "2",
    ["Security:ApiKeys:maker:Key"] = apiKey,
    ["Security:ApiKeys:maker:Role"] = "Admin",
    ["Messaging:MinSpacing"] = "00:00:00",
    ["Messaging:MaxSpacing"] = "00:00:00",
    ["Messaging:RampDelay"] = "00:00:00",
    ["Messaging:RampDuration"] = "00:00:00",
    ["Messaging:DispatchTick"] = "00:00:00.050",
});
builder.AddWaDashboardLogging();
builder.Services.AddWaDashboardCore(builder.Configuration);
builder.Services.AddWaDashboardWeb(builder.Configuration);
var app = builder.Build();
app.UseWaDashboard();
await app.StartAsync();
var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address) };
http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);

async Task Ok(HttpResponseMessage response)
{
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage!.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

async Task WaitFor(string phone, string status)
{
    for (var i = 0; i < 200; i++)
    {
        var account = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/accounts/{Uri.EscapeDataString(phone)}");
        if (account.GetProperty("status").GetString() == status) return;
        await Task.Delay(50);
    }
    throw new TimeoutException($"{phone} never became {status}");
}

string[] phones = ["+972501110001", "+972501110002", "+972501110003"];
foreach (var phone in phones)
{
    await Ok(await http.PostAsJsonAsync("/api/accounts", new { name = "Fixture " + phone[^4..], phone }));
}

foreach (var phone in phones[..2])
{
    await Ok(await http.PostAsJsonAsync($"/api/accounts/{Uri.EscapeDataString(phone)}/link", new { mode = "qr" }));
    await Task.Delay(300);
    await Ok(await http.PostAsync($"/api/simulator/accounts/{Uri.EscapeDataString(phone)}/scan", null));
    await WaitFor(phone, "Connected");
}

var sent = await http.PostAsJsonAsync($"/api/accounts/{Uri.EscapeDataString(phones[0])}/messages", new { to = "+972509990001", text = "sent before the upgrade" });
await Ok(sent);
var queued = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{Uri.EscapeDataString(phones[2])}/messages")
{
    Content = JsonContent.Create(new { to = "+972509990002", text = "waiting for its account" }),
};
queued.Headers.Add("Idempotency-Key", "fixture-key-1");
await Ok(await http.SendAsync(queued));
for (var i = 0; i < 200; i++)
{
    var messages = await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/messages?status=Sent");
    if (messages.ToString().Contains("sent before the upgrade")) break;
    await Task.Delay(50);
}

await Ok(await http.PostAsJsonAsync($"/api/simulator/accounts/{Uri.EscapeDataString(phones[1])}/faults", new { kind = "drop" }));
await Task.Delay(1500);

await using (var scope = app.Services.CreateAsyncScope())
{
    var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
    var user = new DashboardUser { UserName = "admin@example.org", Email = "admin@example.org", EmailConfirmed = true };
    var created = await users.CreateAsync(user, "fixture-passw0rd-long");
    if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
    await users.AddToRoleAsync(user, "Admin");
}

var (info, key) = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync("reminder-service", "Operator", "admin@example.org", CancellationToken.None);
await File.WriteAllTextAsync(Path.Combine(data, "api-key.txt"), key);
await app.StopAsync();
await app.DisposeAsync();
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Console.WriteLine($"made {Path.Combine(data, "wadashboard.db")} (api key {info.Name})");
CS

data="$work/data"
mkdir -p "$data"
(cd "$work/maker" && dotnet run -c Release -- "$data" "$work/WaDashboard.Web")
cp "$data/wadashboard.db" "$here/wadashboard.db"
cp "$data/api-key.txt" "$here/api-key.txt"
echo "$commit" > "$here/made-by-commit.txt"
ls -l "$here"
