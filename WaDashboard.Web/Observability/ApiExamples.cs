using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;
using WaDashboard.Web.Api;

namespace WaDashboard.Web.Observability;

/// <summary>
/// Examples for the OpenAPI document, in the shapes operators' scripts already read (the field notes' per-account API:
/// an account on a worker that dropped with a timeout, has a valid session and waits for its next automatic attempt).
/// Made by the same DTO factories and serializer options the endpoints use, so an example cannot drift from the answer.
/// </summary>
public static class ApiExamples
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    /// <summary>+972501234567 on worker-1, dropped with a connection timeout (Baileys 408), reconnecting without a QR.</summary>
    public static AccountState Reconnecting { get; } = new()
    {
        Id = "a1b2c3d4e5f6",
        Name = "Clinic reminders",
        Phone = PhoneNumber.Parse("+972501234567"),
        CreatedAt = At.AddDays(-30),
        StatusSince = At,
        WorkerId = "worker-1",
        Status = AccountStatus.Reconnecting,
        Reason = DisconnectReason.Timeout,
        RawCode = "408",
        RawText = "Connection timed out",
        Generation = 3,
        SessionLinked = true,
        ReconnectAttempt = 2,
        NextAttemptAt = At.AddSeconds(3),
        FailingSince = At.AddSeconds(-20),
    };

    public static JsonNode? For(Type type, IServiceProvider services)
    {
        object? example = type switch
        {
            _ when type == typeof(AccountDto) => AccountDto.From(Reconnecting, At),
            _ when type == typeof(DisconnectReasonDto) => DisconnectReasonDto.From(Reconnecting),
            _ when type == typeof(StatusDto) => StatusDto.From(Reconnecting),
            _ when type == typeof(PendingResponse) => new PendingResponse("The new session is starting; the QR code is not ready yet. Ask again shortly.", 3000),
            _ when type == typeof(ReconnectResponse) => new ReconnectResponse(true,
                "Account has valid session - attempting auto-reconnect (no QR needed)", AccountStatus.Starting.ToString()),
            _ when type == typeof(CreateAccountRequest) => JsonNode.Parse("""{"name":"Clinic reminders","phone":"+972501234567"}"""),
            _ when type == typeof(FaultRequest) => JsonNode.Parse("""{"kind":"drop","code":"408","text":"Connection timed out"}"""),
            _ => null,
        };
        if (example is null)
        {
            return null;
        }

        if (example is JsonNode node)
        {
            return node;
        }

        var json = services.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions ?? JsonSerializerOptions.Web;
        return JsonSerializer.SerializeToNode(example, type, json);
    }
}
