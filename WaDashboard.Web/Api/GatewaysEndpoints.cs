using System.Text.Json.Serialization;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Workers;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

public sealed record WorkerDto(
    [property: JsonPropertyName("worker_id")] string WorkerId,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("capacity")] int? Capacity,
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("free")] int? Free,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("last_contact")] DateTimeOffset? LastContact,
    [property: JsonPropertyName("last_reconcile")] DateTimeOffset? LastReconcile,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("sessions_on_server")] int? SessionsOnServer);

public sealed record ServerSessionDto(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("engine")] string? Engine,
    [property: JsonPropertyName("me")] string? Me,
    [property: JsonPropertyName("account_id")] string? AccountId,
    [property: JsonPropertyName("managed")] bool Managed,
    [property: JsonPropertyName("finding")] string? Finding)
{
    public static ServerSessionDto From(ServerSession s) => new(s.Name, s.Status, s.Engine, s.Me, s.AccountId, s.Managed, s.Finding);
}

/// <summary>Where sessions run: the simulator and every gateway server, their load and health, the sessions found on a server.</summary>
public static class GatewaysEndpoints
{
    public static IEndpointRouteBuilder MapGatewaysEndpoints(this IEndpointRouteBuilder app)
    {
        var gateways = app.MapGroup("/api/gateways").WithTags("Gateways");

        gateways.MapGet("/", (Fleet fleet) => Results.Ok(Describe(fleet)));

        gateways.MapGet("/{workerId}/sessions", async (string workerId, Fleet fleet, CancellationToken ct) =>
        {
            if (fleet.Workers.Find(workerId)?.Gateway is not { } gateway)
            {
                return AccountRoute.Problem(StatusCodes.Status404NotFound, "Unknown gateway server",
                    $"No gateway server '{workerId}' is configured. Known: {string.Join(", ", fleet.Workers.Workers.Where(w => w.IsRemote).Select(w => w.Id))}.");
            }

            try
            {
                return Results.Ok((await ServerSessions.ListAsync(gateway, fleet, ct)).Select(ServerSessionDto.From).ToList());
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                return AccountRoute.Problem(StatusCodes.Status502BadGateway, "The gateway server did not answer", ex.Message);
            }
        });

        gateways.MapDelete("/{workerId}/sessions/{name}", async (string workerId, string name, OperatorActions actions, HttpContext http, CancellationToken ct) =>
        {
            var (done, message) = await actions.RemoveLeftBehindSessionAsync(http.User, workerId, name, ct);
            return done ? Results.Ok(new { removed = true, message }) : AccountRoute.Problem(StatusCodes.Status409Conflict, "Not removed", message);
        }).RequireAuthorization(Policies.Administer);

        return app;
    }

    public static IReadOnlyList<WorkerDto> Describe(Fleet fleet)
    {
        var loads = fleet.WorkerLoads().ToDictionary(l => l.Id, StringComparer.OrdinalIgnoreCase);
        return fleet.Workers.Workers.Select(w =>
        {
            var load = loads[w.Id];
            var health = w.Gateway?.Health;
            return new WorkerDto(w.Id, w.Kind, w.Url, w.Capacity, load.Used, load.Free,
                health?.State.ToString() ?? "Up", health?.LastContact, health?.LastReconcile, health?.LastError, health?.SessionsOnServer);
        }).ToList();
    }
}
