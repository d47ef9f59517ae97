using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WaDashboard.Tests.Http;

/// <summary>The outbox REST API against the real app: queueing, idempotency keys, following a message, and a person's decisions.</summary>
public sealed class MessagesApiTestsOnSqlite(WebAppFactory factory) : MessagesApiTests<WebAppFactory>(factory);

public sealed class MessagesApiTestsOnPostgres(PostgresWebAppFactory factory) : MessagesApiTests<PostgresWebAppFactory>(factory);

public abstract class MessagesApiTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : WebAppFactory
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_message_for_a_connected_account_is_accepted_with_202_and_its_id_and_is_then_sent_with_the_engine_message_id()
    {
        await CreateAsync("+972504000001");
        await ConnectAsync("+972504000001");

        using var response = await SendAsync("+972504000001", new { to = "+972 50 900 0001", text = "Reminder: tomorrow 10:00" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = queued.GetProperty("id").GetInt64();
        Assert.True(id > 0);
        Assert.Equal($"/api/messages/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("+972509000001", queued.GetProperty("to").GetString());
        Assert.Equal("+972504000001", queued.GetProperty("account_phone").GetString());
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));

        var sent = await WebAppFactory.PollAsync(_client, $"/api/messages/{id}", m => m.GetProperty("status").GetString() == "Sent", "the message to be sent");
        var received = await _client.GetFromJsonAsync<JsonElement>("/api/simulator/accounts/+972504000001/messages");
        var delivered = Assert.Single(received.EnumerateArray());
        Assert.Equal(delivered.GetProperty("messageId").GetString(), sent.GetProperty("engine_message_id").GetString());
        Assert.Equal(("972509000001", "Reminder: tomorrow 10:00"), (delivered.GetProperty("to").GetString(), delivered.GetProperty("text").GetString()));
        Assert.Equal(1, sent.GetProperty("attempts").GetInt32());
        Assert.StartsWith("Sent ", sent.GetProperty("status_detail").GetString());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_the_same_content_returns_the_same_message_and_it_is_sent_once()
    {
        await CreateAsync("+972504000002");
        var body = new { to = "+972509000002", text = "Your appointment is confirmed", notBefore = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ") };

        using var first = await SendAsync("+972504000002", body, key: "appointment-4711");
        using var again = await SendAsync("+972504000002", body, key: "appointment-4711");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode));
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var replay = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(firstId, replay.GetProperty("id").GetInt64());
        Assert.Equal("appointment-4711", replay.GetProperty("idempotency_key").GetString());
        Assert.Equal("true", Assert.Single(again.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(1, (await ListAsync("+972504000002")).GetArrayLength());

        await ConnectAsync("+972504000002");
        await WebAppFactory.PollAsync(_client, $"/api/messages/{firstId}", m => m.GetProperty("status").GetString() == "Sent", "the message to be sent");
        using var afterSending = await SendAsync("+972504000002", body, key: "appointment-4711");
        Assert.Equal(HttpStatusCode.Accepted, afterSending.StatusCode);
        Assert.Equal("Sent", (await afterSending.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var received = await _client.GetFromJsonAsync<JsonElement>("/api/simulator/accounts/+972504000002/messages");
        Assert.Equal(1, received.GetArrayLength());
    }

    [Theory]
    [InlineData("+972509000003", "Another text", null)]
    [InlineData("+972509000099", "Original text", null)]
    [InlineData("+972509000003", "Original text", "2026-12-01T08:00:00Z")]
    public async Task The_same_idempotency_key_with_different_content_is_refused_with_422_and_changes_nothing(string to, string text, string? notBefore)
    {
        var account = "+97250400001" + (to.EndsWith("99", StringComparison.Ordinal) ? "1" : notBefore is null ? "2" : "3");
        await CreateAsync(account);
        using var original = await SendAsync(account, new { to = "+972509000003", text = "Original text" }, key: "k-1");
        var originalId = (await original.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        using var conflict = await SendAsync(account, new { to, text, notBefore }, key: "k-1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Idempotency key reused with different content", problem.GetProperty("title").GetString());
        Assert.Contains("'k-1' was already used for message " + originalId, problem.GetProperty("detail").GetString());
        Assert.Contains("use a new key", problem.GetProperty("detail").GetString());
        Assert.Equal(originalId, problem.GetProperty("existing_message_id").GetInt64());
        var messages = await ListAsync(account);
        Assert.Equal("Original text", Assert.Single(messages.EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_key_belongs_to_its_account_and_requests_without_a_key_always_queue_a_new_message()
    {
        await CreateAsync("+972504000021");
        await CreateAsync("+972504000022");
        var body = new { to = "+972509000004", text = "Same words" };

        using var a = await SendAsync("+972504000021", body, key: "shared-key");
        using var b = await SendAsync("+972504000022", body, key: "shared-key");
        using var c = await SendAsync("+972504000021", body);
        using var d = await SendAsync("+972504000021", body);

        var ids = new List<long>();
        foreach (var response in new[] { a, b, c, d })
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
        }

        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(3, (await ListAsync("+972504000021")).GetArrayLength());
    }

    [Theory]
    [InlineData(1, "0509000005", "Hi", null, "to", "does not start with '+'")]
    [InlineData(2, null, "Hi", null, "to", "A phone number is required")]
    [InlineData(3, "+972509000005", "   ", null, "text", "The message text is empty")]
    [InlineData(4, "+972509000005", null, null, "text", "The message text is empty")]
    [InlineData(5, "+972509000005", "Hi", "2026-11-23 09:30", "notBefore", "with a time zone")]
    [InlineData(6, "+972509000005", "Hi", "tomorrow", "notBefore", "ISO 8601")]
    [InlineData(7, "+972509000005", "Hi", "2036-11-23T09:30:00Z", "notBefore", "at most a year in advance")]
    public async Task Bad_input_gets_400_naming_the_field_and_saying_how_to_fix_it_and_queues_nothing(int n, string? to, string? text, string? notBefore, string field, string why)
    {
        var account = $"+97250400003{n}";
        await CreateAsync(account);

        using var response = await SendAsync(account, new { to, text, notBefore });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(why, problem.GetProperty("detail").GetString());
        Assert.Contains(why, problem.GetProperty("errors").GetProperty(field)[0].GetString());
        Assert.Equal(0, (await ListAsync(account)).GetArrayLength());
    }

    [Fact]
    public async Task Too_long_a_text_or_a_malformed_key_gets_400_with_the_limit()
    {
        await CreateAsync("+972504000039");

        using var tooLong = await SendAsync("+972504000039", new { to = "+972509000006", text = new string('x', 4097) });
        using var badKey = await SendAsync("+972504000039", new { to = "+972509000006", text = "Hi" }, key: "has spaces in it");

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("4097 characters long; at most 4096", (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Contains("Idempotency-Key must be 1 to 255 visible ASCII characters", (await badKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_account_gets_404_and_a_malformed_one_400()
    {
        using var unknown = await SendAsync("+972504999999", new { to = "+972509000007", text = "Hi" });
        using var malformed = await SendAsync("0504999999", new { to = "+972509000007", text = "Hi" });

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No account has the phone number +972504999999", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("Malformed phone number", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Getting_an_unknown_message_is_404_and_a_malformed_id_400()
    {
        using var unknown = await _client.GetAsync("/api/messages/987654321");
        using var malformed = await _client.GetAsync("/api/messages/abc");
        using var badStatus = await _client.GetAsync("/api/messages?status=Lost");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No message has the id 987654321", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("ids are positive numbers", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("Pending, Sending, Sent, Failed, Unknown, Cancelled", (await badStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_message_for_an_account_that_is_not_connected_waits_and_says_so_then_can_be_cancelled()
    {
        await CreateAsync("+972504000041");

        using var response = await SendAsync("+972504000041", new { to = "+972509000008", text = "Held until connected" });
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = queued.GetProperty("id").GetInt64();

        Assert.Equal(("Pending", "Waiting"), (queued.GetProperty("status").GetString(), queued.GetProperty("status_label").GetString()));
        Assert.Contains("nothing is sent before", queued.GetProperty("status_detail").GetString());
        var summary = await _client.GetFromJsonAsync<JsonElement>("/api/messages/summary");
        var depth = summary.GetProperty("queue_depth").EnumerateArray().Single(d => d.GetProperty("phone").GetString() == "+972504000041");
        Assert.Equal((1, false), (depth.GetProperty("queued").GetInt32(), depth.GetProperty("connected").GetBoolean()));

        using var cancel = await _client.PostAsync($"/api/messages/{id}/cancel", null);
        using var cancelAgain = await _client.PostAsync($"/api/messages/{id}/cancel", null);
        using var retryCancelled = await _client.PostAsync($"/api/messages/{id}/retry", null);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("Cancelled", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, cancelAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, retryCancelled.StatusCode);
        Assert.Contains("It was cancelled", (await retryCancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        await ConnectAsync("+972504000041");
        await Task.Delay(300);
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/simulator/accounts/+972504000041/messages")).GetArrayLength());
    }

    [Fact]
    public async Task An_unknown_outcome_is_resolved_through_the_api_and_a_bad_decision_gets_400()
    {
        await CreateAsync("+972504000051");
        await ConnectAsync("+972504000051");
        using var fault = await _client.PostAsJsonAsync("/api/simulator/accounts/+972504000051/faults", new { kind = "send-timeout" });
        Assert.Equal(HttpStatusCode.OK, fault.StatusCode);

        using var response = await SendAsync("+972504000051", new { to = "+972509000009", text = "Did it arrive?" });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var unknown = await WebAppFactory.PollAsync(_client, $"/api/messages/{id}", m => m.GetProperty("status").GetString() == "Unknown", "the outcome to be unknown");
        Assert.True(unknown.GetProperty("needs_person").GetBoolean());

        using var bad = await _client.PostAsJsonAsync($"/api/messages/{id}/resolve", new { outcome = "maybe" });
        using var resend = await _client.PostAsJsonAsync($"/api/messages/{id}/resolve", new { outcome = "resend" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"outcome\": \"resend\"", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        await WebAppFactory.PollAsync(_client, $"/api/messages/{id}", m => m.GetProperty("status").GetString() == "Sent", "the message to be sent again");
        var received = await _client.GetFromJsonAsync<JsonElement>("/api/simulator/accounts/+972504000051/messages");
        Assert.Equal(2, received.GetArrayLength()); // the lost confirmation's delivery, and the one a person asked for
    }

    private Task<HttpResponseMessage> SendAsync(string account, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/accounts/{Uri.EscapeDataString(account)}/messages") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return _client.SendAsync(request);
    }

    private async Task<JsonElement> ListAsync(string account) =>
        await _client.GetFromJsonAsync<JsonElement>($"/api/accounts/{Uri.EscapeDataString(account)}/messages");

    private Task CreateAsync(string phone) => WebAppFactory.CreateAccountAsync(_client, "Sender " + phone[^2..], phone);

    private Task ConnectAsync(string phone) => WebAppFactory.ConnectAsync(_client, phone);
}
