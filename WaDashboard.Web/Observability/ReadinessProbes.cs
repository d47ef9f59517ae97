using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WaDashboard.Core.Engines.Gateways;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Web.Observability;

/// <summary>
/// Liveness and readiness the ASP.NET Core way. <c>/healthz/live</c> runs no check: the process answers. <c>/healthz/ready</c>
/// runs the checks tagged <see cref="ReadyTag"/>: the database (reachable and committing writes: Unhealthy, 503, when not)
/// and one check per gateway server (Degraded, still 200, when it does not answer: the dashboard keeps serving and the
/// other servers' accounts, so a gateway alone does not take it out of rotation; the check names the server).
/// <c>/healthz</c> stays as it was for existing probes and now lists these checks too.
/// </summary>
public static class HealthProbes
{
    public const string ReadyTag = "ready";

    /// <summary>The database and one check per configured gateway server, from the final configuration.</summary>
    public static void AddReadinessChecks(HealthCheckServiceOptions health, GatewayOptions gateways)
    {
        health.Registrations.Add(new HealthCheckRegistration("database",
            sp => ActivatorUtilities.CreateInstance<DatabaseReadinessCheck>(sp), HealthStatus.Unhealthy, [ReadyTag]));
        foreach (var id in gateways.Servers.Select(s => s.Id).Where(id => !string.IsNullOrWhiteSpace(id)))
        {
            health.Registrations.Add(new HealthCheckRegistration($"gateway:{id}",
                sp => new GatewayReadinessCheck(sp.GetRequiredService<GatewayServers>(), id), HealthStatus.Degraded, [ReadyTag, "gateway"]));
        }
    }

    public static void MapHealthProbes(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    /// <summary>The same JSON as /healthz: the overall status and each check's status and description.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

public sealed class DatabaseReadinessCheck(IDbContextFactory<WaDashboardDbContext> contexts, WaDashboardMetrics metrics) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("The database cannot be opened.");
        }

        return metrics.DatabaseWritable
            ? HealthCheckResult.Healthy("The database answers and commits writes.")
            : HealthCheckResult.Unhealthy("The database answers but refused the last write; changes of accounts are not being saved.");
    }
}

public sealed class GatewayReadinessCheck(GatewayServers servers, string serverId) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var server = servers.All.FirstOrDefault(s => string.Equals(s.Server.Id, serverId, StringComparison.OrdinalIgnoreCase));
        if (server is null)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{serverId} is not configured."));
        }

        var health = server.Health;
        return Task.FromResult(health.State switch
        {
            GatewayReachability.Up => HealthCheckResult.Healthy($"{serverId} answers; {health.SessionsOnServer} sessions on it."),
            GatewayReachability.Unknown => HealthCheckResult.Healthy($"{serverId} has not been contacted yet."),
            GatewayReachability.BreakerOpen => new HealthCheckResult(context.Registration.FailureStatus,
                $"{serverId} failed {health.ConsecutiveFailures} calls in a row; calls to it are paused. Last error: {health.LastError}"),
            _ => new HealthCheckResult(context.Registration.FailureStatus, $"{serverId} does not answer: {health.LastError}"),
        });
    }
}
