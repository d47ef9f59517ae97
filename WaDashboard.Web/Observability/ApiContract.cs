using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Web.Api;

namespace WaDashboard.Web.Observability;

/// <summary>One answer an endpoint gives: a status code and what its body is (null: no body).</summary>
public sealed record ApiAnswer(int Status, Type? Body, string ContentType = "application/json");

/// <summary>
/// Every answer of every REST endpoint, for the OpenAPI document. The handlers return <see cref="IResult"/>, which says
/// nothing about its status codes; this table says it, in one place, and the contract tests call the endpoints and fail
/// when one answers a status the table does not list, or when a mapped endpoint has no entry. The answers that follow
/// from the route and the access rules are added by <see cref="Common"/>: 400/404 for a {phone} that is malformed or
/// unknown, 400 for a malformed body, 401 without credentials, 403 for a role that may not act.
/// </summary>
public static class ApiContract
{
    private static ApiAnswer Ok<T>() => new(200, typeof(T));
    private static ApiAnswer Status<T>(int status) => new(status, typeof(T));
    private static ApiAnswer Problem(int status) => new(status, typeof(ProblemDetails), "application/problem+json");
    private static ApiAnswer Invalid() => new(400, typeof(HttpValidationProblemDetails), "application/problem+json");

    private static readonly ApiAnswer[] Reconnecting =
        [Ok<ReconnectResponse>(), Status<PendingResponse>(202), Status<ReconnectResponse>(409)];

    private static readonly ApiAnswer[] Repair = [Ok<ActionResponse>(), Status<ActionResponse>(409)];

    private static readonly ApiAnswer[] MessageAction =
        [Ok<MessageActionResponse>(), Problem(400), Problem(404), Status<MessageActionResponse>(409)];

    public static readonly IReadOnlyDictionary<string, ApiAnswer[]> Answers = new Dictionary<string, ApiAnswer[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["GET /api/accounts"] = [Ok<IReadOnlyList<AccountDto>>()],
        ["POST /api/accounts"] = [Status<AccountDto>(201), Invalid(), Problem(409)],
        ["GET /api/accounts/{phone}"] = [Ok<AccountDto>()],
        ["DELETE /api/accounts/{phone}"] = [new(204, null)],
        ["GET /api/accounts/{phone}/disconnect-reason"] = [Ok<DisconnectReasonDto>()],
        ["POST /api/accounts/{phone}/move"] = [Ok<MoveAccountResponse>(), Invalid(), Status<MoveAccountResponse>(409)],
        ["GET /api/accounts/{phone}/status"] = [Ok<StatusDto>()],
        ["GET /api/accounts/{phone}/timeline"] = [Ok<IReadOnlyList<TimelineEntry>>()],
        ["POST /api/accounts/{phone}/reconnect"] = Reconnecting,
        ["POST /api/accounts/{phone}/link"] = [.. Reconnecting, Problem(400)],
        ["POST /api/accounts/{phone}/logout"] = [Ok<ReconnectResponse>()],
        ["POST /api/accounts/{phone}/stop"] = [Ok<ReconnectResponse>()],
        ["GET /api/accounts/{phone}/qr"] = [Ok<QrDto>(), new(200, typeof(byte[]), "image/png"), Problem(404)],

        ["POST /api/accounts/{phone}/messages"] = [Status<MessageDto>(202), Invalid(), Problem(404), Problem(422)],
        ["GET /api/accounts/{phone}/messages"] = [Ok<IReadOnlyList<MessageDto>>(), Invalid()],
        ["GET /api/messages"] = [Ok<IReadOnlyList<MessageDto>>(), Invalid(), Problem(404)],
        ["GET /api/messages/summary"] = [Ok<OutboxSummaryDto>()],
        ["GET /api/messages/{id}"] = [Ok<MessageDto>(), Problem(400), Problem(404)],
        ["POST /api/messages/{id}/cancel"] = MessageAction,
        ["POST /api/messages/{id}/retry"] = MessageAction,
        ["POST /api/messages/{id}/resolve"] = [.. MessageAction, Invalid()],

        ["GET /api/accounts/{phone}/session-info"] = [Ok<SessionInfoDto>(), Problem(404), Problem(409)],
        ["POST /api/accounts/{phone}/session/clear"] = Repair,
        ["POST /api/accounts/{phone}/session/trim-caches"] = Repair,
        ["POST /api/accounts/{phone}/session/remove-stale-lock"] = Repair,
        ["POST /api/accounts/{phone}/session/remove-temp-files"] = Repair,
        ["POST /api/accounts/{phone}/session/generations/{generation}/quarantine"] = Repair,
        ["GET /api/accounts/{phone}/session/backups"] = [Ok<IReadOnlyList<BackupDto>>()],
        ["POST /api/accounts/{phone}/session/backups/{backupId}/restore"] = [.. Repair, Problem(400)],
        ["GET /api/storage/diagnostics"] = [Ok<FleetDiagnosticsDto>()],
        ["GET /api/storage/quarantine"] = [Ok<IReadOnlyList<QuarantineEntryDto>>()],
        ["POST /api/storage/orphans/{name}/quarantine"] = Repair,
        ["POST /api/storage/cleanup"] = [Status<CleanupStarted>(202), Status<ActionResponse>(409)],
        ["GET /api/storage/cleanup"] = [Ok<CleanupStatusDto>()],

        ["GET /api/gateways"] = [Ok<IReadOnlyList<WorkerDto>>()],
        ["GET /api/gateways/{workerId}/sessions"] = [Ok<IReadOnlyList<ServerSessionDto>>(), Problem(404), Problem(502)],
        ["DELETE /api/gateways/{workerId}/sessions/{name}"] = [Ok<SessionRemoved>(), Problem(409)],
        ["POST /api/webhooks/{engine}"] = [Status<WebhookAccepted>(202), Ok<WebhookDuplicate>(), Problem(400), Problem(401), Problem(404)],

        ["GET /api/diagnostics/process"] = [Ok<ProcessDiagnostics>()],

        // The user endpoints decide who may act themselves (an admin, or the user for their own sessions): 403 is theirs.
        ["POST /api/users/{email}/sign-out-everywhere"] = [Ok<UserMessage>(), Problem(403), Problem(404)],
        ["PUT /api/users/{email}/role"] = [Ok<UserMessage>(), Problem(400), Problem(403), Problem(404), Problem(409)],
        ["POST /api/users/{email}/disable"] = [Ok<UserMessage>(), Problem(403), Problem(404), Problem(409)],
        ["POST /api/users/{email}/enable"] = [Ok<UserMessage>(), Problem(403), Problem(404), Problem(409)],
        ["POST /api/me/password"] = [Ok<UserMessage>(), Problem(400), Problem(403)],

        ["POST /api/simulator/accounts/{phone}/scan"] = [Ok<SimulatorActionResponse>(), Problem(409)],
        ["POST /api/simulator/accounts/{phone}/faults"] = [Ok<SimulatorActionResponse>(), Problem(400), Problem(409)],
        ["GET /api/simulator/accounts/{phone}/messages"] = [Ok<IReadOnlyList<SimulatedMessage>>()],
    };

    /// <summary>The key of an endpoint in <see cref="Answers"/>: "GET /api/accounts/{phone}", route constraints left out.</summary>
    public static string Key(string method, string route)
    {
        var path = "/" + System.Text.RegularExpressions.Regex.Replace(route.Trim('/'), @"\{([^}:?=]+)[^}]*\}", "{$1}");
        return $"{method.ToUpperInvariant()} {path}";
    }

    /// <summary>What the route and the access rules add to an endpoint's own answers.</summary>
    public static IEnumerable<ApiAnswer> Common(string route, IReadOnlyList<object> metadata, bool hasBody)
    {
        if (route.Contains("{phone", StringComparison.Ordinal))
        {
            yield return Problem(400);
            yield return Problem(404);
        }

        if (hasBody)
        {
            yield return Problem(400);
        }

        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            yield break;
        }

        yield return Problem(401);
        if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
        {
            yield return Problem(403);
        }
    }
}

/// <summary>202 of POST /api/storage/cleanup.</summary>
public sealed record CleanupStarted(string Message, bool DryRun, CleanupStatusDto Status);

/// <summary>200 of DELETE /api/gateways/{workerId}/sessions/{name}.</summary>
public sealed record SessionRemoved(bool Removed, string Message);

/// <summary>202 of POST /api/webhooks/{engine}.</summary>
public sealed record WebhookAccepted(bool Accepted);

/// <summary>200 of POST /api/webhooks/{engine} for a webhook already handled (a gateway's redelivery).</summary>
public sealed record WebhookDuplicate(bool Accepted, bool Duplicate);

/// <summary>200 of the user endpoints.</summary>
public sealed record UserMessage(string Message);

/// <summary>200 of the simulator's scan and faults.</summary>
public sealed record SimulatorActionResponse(bool Success, string Message);
