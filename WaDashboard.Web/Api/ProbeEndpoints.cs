using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Api;

public static class HealthEndpoints
{
    /// <summary>/healthz: liveness and readiness (the database takes writes: see DatabaseHealth); JSON with each check; 503 when unhealthy.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = async (context, report) =>
            {
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(context.Response.Body, new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
                });
            },
        }).AllowAnonymous();
        return app;
    }
}

public sealed class FleetHealthCheck(IDbContextFactory<WaDashboardDbContext> contexts, Fleet fleet, DatabaseHealth database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (database.State is { CanWrite: false } failing)
        {
            return HealthCheckResult.Unhealthy($"The database cannot take writes since {failing.FailingSince:u}: {failing.Problem}");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy($"{fleet.Count} accounts supervised; database reachable.")
            : HealthCheckResult.Unhealthy("The database cannot be opened.");
    }
}
