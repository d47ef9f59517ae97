using System.Diagnostics;
using System.Text.Json.Serialization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Api;

public sealed record ProcessDiagnostics(
    [property: JsonPropertyName("accounts")] int Accounts,
    [property: JsonPropertyName("connected")] int Connected,
    [property: JsonPropertyName("by_status")] IReadOnlyDictionary<string, int> ByStatus,
    [property: JsonPropertyName("working_set_mb")] double WorkingSetMb,
    [property: JsonPropertyName("managed_heap_mb")] double ManagedHeapMb,
    [property: JsonPropertyName("gc_heap_size_mb")] double GcHeapSizeMb,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("connect_attempts_in_flight")] int ConnectAttemptsInFlight,
    [property: JsonPropertyName("uptime_seconds")] double UptimeSeconds);

public static class DiagnosticsEndpoints
{
    /// <summary>What the process costs right now: accounts by state, memory, threads, connect attempts in flight.</summary>
    public static IEndpointRouteBuilder MapDiagnosticsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/diagnostics/process", (Fleet fleet, ConnectGate gate, bool? collect, System.Security.Claims.ClaimsPrincipal user) =>
        {
            if (collect == true)
            {
                // A full, blocking collection pauses the whole process: an admin's measuring tool, not a viewer's.
                if (!user.IsInRole(Security.Roles.Admin))
                {
                    return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only an admin may force a garbage collection (collect=true).");
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            var accounts = fleet.Accounts;
            using var process = Process.GetCurrentProcess();
            const double mb = 1024 * 1024;
            return Results.Ok(new ProcessDiagnostics(
                accounts.Count,
                accounts.Count(a => a.Status == AccountStatus.Connected),
                accounts.GroupBy(a => a.Status.ToString()).ToDictionary(g => g.Key, g => g.Count()),
                Math.Round(process.WorkingSet64 / mb, 1),
                Math.Round(GC.GetTotalMemory(forceFullCollection: false) / mb, 1),
                Math.Round(GC.GetGCMemoryInfo().HeapSizeBytes / mb, 1),
                process.Threads.Count,
                gate.InFlight,
                Math.Round((DateTime.Now - process.StartTime).TotalSeconds, 1)));
        }).WithTags("Diagnostics");
        return app;
    }
}
