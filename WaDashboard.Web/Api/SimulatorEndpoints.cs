using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>What the simulator panel does, for scripts and tests. Mapped only when the simulator is the engine.</summary>
public static class SimulatorEndpoints
{
    public static IEndpointRouteBuilder MapSimulatorEndpoints(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<EngineOptions>>().Value.IsSimulator)
        {
            return app;
        }

        var simulator = app.MapGroup("/api/simulator/accounts/{phone}").WithTags("Simulator");
        var acting = simulator.MapGroup("").RequireAuthorization(Policies.Operate);

        acting.MapPost("/scan", async (string phone, Fleet fleet, OperatorActions actions, HttpContext http) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            return await actions.SimulateScanAsync(http.User, account.Id, http.RequestAborted) is { } error
                ? AccountRoute.Problem(StatusCodes.Status409Conflict, "Nothing to scan", error)
                : Results.Ok(new { success = true, message = "The simulated phone scanned the code." });
        });

        acting.MapPost("/faults", async (string phone, FaultRequest? request, Fleet fleet, OperatorActions actions, HttpContext http) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            if (!SimulatorFault.TryParseKind(request?.Kind, out var kind))
            {
                return AccountRoute.Problem(StatusCodes.Status400BadRequest, "Unknown fault kind",
                    $"'{request?.Kind}' is not a fault. Use one of: drop, logout, replace, ban, corrupt, slow-start, lose-session, reject-sends, send-timeout.");
            }

            if (request!.Seconds is < 0 or > 86_400)
            {
                return AccountRoute.Problem(StatusCodes.Status400BadRequest, "Bad delay", "seconds must be between 0 and 86400.");
            }

            if (request.Count is < 1 or > 10_000)
            {
                return AccountRoute.Problem(StatusCodes.Status400BadRequest, "Bad count", "count (how many sends the fault applies to) must be between 1 and 10000.");
            }

            var fault = new SimulatorFault(kind, request.Code, request.Text, request.Until, request.Seconds is { } s ? TimeSpan.FromSeconds(s) : null, request.Count);
            return await actions.SimulateFaultAsync(http.User, account.Id, fault, http.RequestAborted) is { } error
                ? AccountRoute.Problem(StatusCodes.Status409Conflict, "Fault not applicable", error)
                : Results.Ok(new { success = true, message = $"Injected {request.Kind}." });
        });

        simulator.MapGet("/messages", (string phone, Fleet fleet, SimulatorEngine engine) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem) ? Results.Ok(engine.ReceivedMessages(account.Id)) : problem);

        return app;
    }
}
