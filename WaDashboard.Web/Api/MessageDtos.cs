using System.Text.Json.Serialization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Messaging;

namespace WaDashboard.Web.Api;

/// <summary>POST /api/accounts/{phone}/messages. notBefore: ISO 8601 with a time zone, e.g. 2026-11-23T09:30:00+02:00.</summary>
public sealed record SendMessageRequest(string? To, string? Text, string? NotBefore);

public sealed record ResolveRequest(string? Outcome);

public sealed record MessageDto(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("account_id")] string AccountId,
    [property: JsonPropertyName("account_phone")] string? AccountPhone,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_label")] string StatusLabel,
    [property: JsonPropertyName("status_detail")] string StatusDetail,
    [property: JsonPropertyName("needs_person")] bool NeedsPerson,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("not_before")] DateTimeOffset? NotBefore,
    [property: JsonPropertyName("idempotency_key")] string? IdempotencyKey,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("last_attempt_at")] DateTimeOffset? LastAttemptAt,
    [property: JsonPropertyName("sent_at")] DateTimeOffset? SentAt,
    [property: JsonPropertyName("engine_message_id")] string? EngineMessageId,
    [property: JsonPropertyName("error")] string? Error)
{
    public static MessageDto From(OutboxMessage m, AccountState? account, DateTimeOffset now)
    {
        var description = OutboxMessageDescription.Describe(m, account, now);
        return new(m.Id, m.AccountId, account?.Phone.Value, m.To.Value, m.Text, m.Status.ToString(), description.Label, description.Detail,
            description.NeedsPerson, m.Attempts, m.NotBefore, m.IdempotencyKey, m.CreatedAt, m.UpdatedAt, m.NextAttemptAt, m.LastAttemptAt,
            m.SentAt, m.EngineMessageId, m.Error);
    }
}

public sealed record MessageActionResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string? Status);

public sealed record QueueDepthDto(
    [property: JsonPropertyName("account_id")] string AccountId,
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("connected")] bool Connected,
    [property: JsonPropertyName("queued")] int Queued);

public sealed record OutboxSummaryDto(
    [property: JsonPropertyName("by_status")] IReadOnlyDictionary<string, int> ByStatus,
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("queue_depth")] IReadOnlyList<QueueDepthDto> QueueDepth,
    [property: JsonPropertyName("sent_since_start")] long SentSinceStart,
    [property: JsonPropertyName("retried_since_start")] long RetriedSinceStart,
    [property: JsonPropertyName("in_flight")] int InFlight,
    [property: JsonPropertyName("held_not_connected")] long HeldNotConnected,
    [property: JsonPropertyName("refused_not_connected")] long RefusedNotConnected,
    [property: JsonPropertyName("refused_at_engine_boundary")] long RefusedAtEngineBoundary);
