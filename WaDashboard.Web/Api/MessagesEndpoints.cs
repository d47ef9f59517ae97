using System.Globalization;
using System.Text.RegularExpressions;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Audit;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>The outbox over REST: queue a message for an account, follow it, and take a person's decisions on it.</summary>
public static partial class MessagesEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapMessagesEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Messages");

        var acting = api.MapGroup("").RequireAuthorization(Policies.Operate);
        acting.MapPost("/accounts/{phone}/messages", async (string phone, SendMessageRequest? request, HttpContext http, Fleet fleet, Outbox outbox, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            var keys = http.Request.Headers[IdempotencyKeyHeader];
            if (keys.Count > 1)
            {
                return Invalid("idempotencyKey", $"Send one {IdempotencyKeyHeader} header, not {keys.Count}.");
            }

            if (!TryParseNotBefore(request?.NotBefore, out var notBefore, out var notBeforeError))
            {
                return Invalid("notBefore", notBeforeError);
            }

            try
            {
                var key = keys.Count == 1 ? keys[0] : null;
                var result = await outbox.EnqueueAsync(new OutboxRequest(account.Id, request?.To, request?.Text, notBefore, key), ct);
                await audit.RecordAsync(OperatorActions.Actor(http.User), result.Replayed ? "message.send (replayed key)" : "message.send", account.Id,
                    $"{result.Message.Id} to {result.Message.To.Masked}", ct);
                if (result.Replayed)
                {
                    http.Response.Headers[ReplayedHeader] = "true";
                }

                return Results.Accepted($"/api/messages/{result.Message.Id}", MessageDto.From(result.Message, fleet.Get(account.Id), time.GetUtcNow()));
            }
            catch (MessageValidationException ex) when (ex.Field == "account")
            {
                return AccountRoute.Problem(StatusCodes.Status404NotFound, "Unknown account", ex.Message);
            }
            catch (MessageValidationException ex)
            {
                return Invalid(ex.Field, ex.Message);
            }
            catch (IdempotencyConflictException ex)
            {
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused with different content",
                    detail: ex.Message, extensions: new Dictionary<string, object?> { ["existing_message_id"] = ex.Existing.Id });
            }
        });

        api.MapGet("/accounts/{phone}/messages", async (string phone, string? status, int? limit, long? before, Fleet fleet, Outbox outbox, TimeProvider time, CancellationToken ct) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem)
                ? await ListAsync(account.Id, status, limit, before, fleet, outbox, time, ct)
                : problem);

        api.MapGet("/messages", async (string? account, string? status, int? limit, long? before, Fleet fleet, Outbox outbox, TimeProvider time, CancellationToken ct) =>
        {
            string? accountId = null;
            if (!string.IsNullOrWhiteSpace(account))
            {
                if (!AccountRoute.TryResolve(fleet, account, out var found, out var problem))
                {
                    return problem;
                }

                accountId = found.Id;
            }

            return await ListAsync(accountId, status, limit, before, fleet, outbox, time, ct);
        });

        api.MapGet("/messages/summary", async (Fleet fleet, Outbox outbox, OutboxDispatcher dispatcher, EngineSendGuard guard, CancellationToken ct) =>
        {
            var counts = await outbox.CountByStatusAsync(null, ct);
            var depths = outbox.QueueDepths;
            var stats = dispatcher.Stats;
            var perAccount = depths
                .Select(d => (Account: fleet.Get(d.Key), Queued: d.Value))
                .Where(d => d.Account is not null)
                .Select(d => new QueueDepthDto(d.Account!.Id, d.Account.Phone.Value, d.Account.Name, d.Account.IsConnected, d.Queued))
                .OrderByDescending(d => d.Queued)
                .ToList();
            return Results.Ok(new OutboxSummaryDto(counts.ToDictionary(c => c.Key.ToString(), c => c.Value), depths.Values.Sum(), perAccount,
                stats.Sent, stats.Retried, stats.InFlight, stats.HeldNotConnected, stats.RefusedNotConnected, guard.RefusedSends));
        });

        api.MapGet("/messages/{id}", async (string id, Fleet fleet, Outbox outbox, TimeProvider time, CancellationToken ct) =>
        {
            if (!TryParseId(id, out var messageId, out var problem))
            {
                return problem;
            }

            return await outbox.GetAsync(messageId, ct) is { } message
                ? Results.Ok(MessageDto.From(message, fleet.Get(message.AccountId), time.GetUtcNow()))
                : NoSuchMessage(messageId);
        });

        acting.MapPost("/messages/{id}/cancel", (string id, Outbox outbox, AuditLog audit, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId => Audited(audit, http, "message.cancel", messageId, outbox.CancelAsync(messageId, ct), ct)));

        acting.MapPost("/messages/{id}/retry", (string id, Outbox outbox, AuditLog audit, HttpContext http, CancellationToken ct) =>
            ActAsync(id, messageId => Audited(audit, http, "message.retry", messageId, outbox.RetryAsync(messageId, ct), ct)));

        acting.MapPost("/messages/{id}/resolve", (string id, ResolveRequest? request, Outbox outbox, AuditLog audit, HttpContext http, CancellationToken ct) =>
        {
            UnknownResolution? resolution = request?.Outcome?.Trim().ToLowerInvariant() switch
            {
                "sent" or "mark-sent" or "arrived" => UnknownResolution.MarkSent,
                "resend" or "send-again" => UnknownResolution.SendAgain,
                _ => null,
            };
            return resolution is { } decided
                ? ActAsync(id, messageId => Audited(audit, http, $"message.resolve.{decided}", messageId, outbox.ResolveUnknownAsync(messageId, decided, ct), ct))
                : Task.FromResult(Invalid("outcome",
                    "Say what happened to the message: {\"outcome\": \"sent\"} if it arrived (it is marked sent), or {\"outcome\": \"resend\"} to send it again."));
        });

        return app;
    }

    private static async Task<OutboxActionResult> Audited(AuditLog audit, HttpContext http, string action, object messageId, Task<OutboxActionResult> act, CancellationToken ct)
    {
        var result = await act;
        await audit.RecordAsync(OperatorActions.Actor(http.User), action, null, AuditNotes.Say("Audit.Message", messageId, result.Message), ct);
        return result;
    }

    private static async Task<IResult> ListAsync(string? accountId, string? status, int? limit, long? before, Fleet fleet, Outbox outbox, TimeProvider time, CancellationToken ct)
    {
        if (!TryParseStatuses(status, out var statuses, out var statusError))
        {
            return Invalid("status", statusError);
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        var messages = await outbox.ListAsync(new OutboxQuery(accountId, statuses, limit ?? DefaultLimit, before), ct);
        var now = time.GetUtcNow();
        return Results.Ok(messages.Select(m => MessageDto.From(m, fleet.Get(m.AccountId), now)));
    }

    private static async Task<IResult> ActAsync(string id, Func<long, Task<OutboxActionResult>> act)
    {
        if (!TryParseId(id, out var messageId, out var problem))
        {
            return problem;
        }

        var result = await act(messageId);
        return result.Outcome switch
        {
            OutboxActionOutcome.Done => Results.Ok(new MessageActionResponse(true, result.Message, result.Updated?.Status.ToString())),
            OutboxActionOutcome.NotFound => NoSuchMessage(messageId),
            _ => Results.Conflict(new MessageActionResponse(false, result.Message, result.Updated?.Status.ToString())),
        };
    }

    private static IResult NoSuchMessage(long id) =>
        AccountRoute.Problem(StatusCodes.Status404NotFound, "Unknown message", $"No message has the id {id}. List messages with GET /api/messages.");

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static bool TryParseId(string value, out long id, out IResult problem)
    {
        problem = null!;
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0)
        {
            return true;
        }

        problem = AccountRoute.Problem(StatusCodes.Status400BadRequest, "Malformed message id",
            $"'{value}' is not a message id; ids are positive numbers, as returned by POST /api/accounts/{{phone}}/messages.");
        return false;
    }

    private static bool TryParseStatuses(string? value, out IReadOnlyCollection<OutboxStatus>? statuses, out string error)
    {
        statuses = null;
        error = "";
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var parsed = new List<OutboxStatus>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OutboxStatus>(part, ignoreCase: true, out var status) || !Enum.IsDefined(status) || char.IsDigit(part[0]))
            {
                error = $"'{part}' is not a message status. Use one or more of {string.Join(", ", Enum.GetNames<OutboxStatus>())}, separated by commas.";
                return false;
            }

            parsed.Add(status);
        }

        statuses = parsed;
        return true;
    }

    /// <summary>ISO 8601 with a time zone: a time without one is ambiguous, and a reminder an hour off is wrong.</summary>
    private static bool TryParseNotBefore(string? value, out DateTimeOffset? notBefore, out string error)
    {
        notBefore = null;
        error = "";
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var trimmed = value.Trim();
        if (!WithTimeZone().IsMatch(trimmed)
            || !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            error = $"'{trimmed}' is not a time with a time zone. Write notBefore in ISO 8601 with an offset or Z, e.g. 2026-11-23T09:30:00+02:00 or 2026-11-23T07:30:00Z.";
            return false;
        }

        notBefore = parsed;
        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WithTimeZone();
}
