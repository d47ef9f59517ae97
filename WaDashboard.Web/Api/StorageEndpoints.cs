using WaDashboard.Core.StorageJobs;
using WaDashboard.Web.Security;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Api;

/// <summary>
/// Session storage health: an account's session-info and the repairs of its session folder, the fleet's findings,
/// the quarantine, and the fleet cleanup job. All in one group, so access rules can be put on it in one place.
/// </summary>
public static class StorageEndpoints
{
    public static IEndpointRouteBuilder MapStorageEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Session storage").AddEndpointFilter<DiskPathFilter>();
        var acting = api.MapGroup("").RequireAuthorization(Policies.Operate).AddEndpointFilter<AuditedOperation>();

        api.MapGet("/accounts/{phone}/session-info", async (string phone, Fleet fleet, StorageDiagnostics diagnostics, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            if (fleet.Engine.IsRemote(account.Id))
            {
                return AccountRoute.Problem(StatusCodes.Status409Conflict, "Session kept on a gateway",
                    $"The session of this account is kept on the gateway server {account.WorkerId}, which manages its storage; there is no local session folder to inspect. Its connection state is at /api/accounts/{{phone}}/disconnect-reason.");
            }

            return await diagnostics.DiagnoseAsync(account.Id, ct) is { } diagnosis
                ? Results.Ok(SessionInfoDto.From(diagnosis))
                : AccountRoute.Problem(StatusCodes.Status404NotFound, "Unknown account", "The account was removed.");
        });

        MapAction(acting, "/accounts/{phone}/session/clear", RepairAction.ClearSession);
        MapAction(acting, "/accounts/{phone}/session/trim-caches", RepairAction.TrimCaches);
        MapAction(acting, "/accounts/{phone}/session/remove-stale-lock", RepairAction.RemoveStaleLock);
        MapAction(acting, "/accounts/{phone}/session/remove-temp-files", RepairAction.RemoveTempFiles);

        acting.MapPost("/accounts/{phone}/session/generations/{generation:int}/quarantine",
            async (string phone, int generation, Fleet fleet, StorageDiagnostics diagnostics, CancellationToken ct) =>
            {
                if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
                {
                    return problem;
                }

                return Answer(fleet, account.Id, await diagnostics.RunAsync(account.Id, RepairAction.QuarantineGeneration, generation, ct));
            });

        api.MapGet("/accounts/{phone}/session/backups", (string phone, Fleet fleet, StorageDiagnostics diagnostics) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem)
                ? Results.Ok(diagnostics.Backups(account.Id).Select(b => new BackupDto(b.Id, b.Generation, b.At, b.Bytes, b.HoldsLogin)))
                : problem);

        acting.MapPost("/accounts/{phone}/session/backups/{backupId}/restore",
            async (string phone, string backupId, Fleet fleet, StorageDiagnostics diagnostics, CancellationToken ct) =>
            {
                if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
                {
                    return problem;
                }

                if (!CredsBackups.IsBackupId(backupId))
                {
                    return AccountRoute.Problem(StatusCodes.Status400BadRequest, "Malformed backup id",
                        $"'{backupId}' is not a backup id. List them with GET /api/accounts/{{phone}}/session/backups.");
                }

                return Answer(fleet, account.Id, await diagnostics.RestoreCredsAsync(account.Id, backupId, ct));
            });

        api.MapGet("/storage/diagnostics", async (StorageDiagnostics diagnostics, CancellationToken ct) =>
            Results.Ok(FleetDiagnosticsDto.From(await diagnostics.DiagnoseFleetAsync(ct))));

        api.MapGet("/storage/quarantine", (StorageDiagnostics diagnostics) =>
            Results.Ok(diagnostics.QuarantineEntries().Select(e => new QuarantineEntryDto(e.Name, e.Record?.Kind, e.Record?.AccountId, e.Record?.Generation,
                e.Record?.OriginalPaths ?? [], e.Record?.Reason, e.Record?.QuarantinedAt, e.PurgeAfter, CleanupReportDto.Mb(e.Bytes), e.HasPayload))));

        acting.MapPost("/storage/orphans/{name}/quarantine", (string name, StorageDiagnostics diagnostics) =>
        {
            var outcome = diagnostics.QuarantineOrphan(name);
            return outcome.Done
                ? Results.Ok(new ActionResponse(true, outcome.Message))
                : Results.Conflict(new ActionResponse(false, outcome.Message));
        });

        acting.MapPost("/storage/cleanup", (CleanupRequest? request, SessionCleanupJob job, IOptions<SessionStorageOptions> options) =>
        {
            var dryRun = request?.DryRun ?? true;
            return job.TryStart(dryRun, out _, out var message)
                ? Results.Accepted("/api/storage/cleanup", new { message, dryRun, status = CleanupStatusDto.From(job, options.Value.QuarantineRetention) })
                : Results.Conflict(new ActionResponse(false, message));
        });

        api.MapGet("/storage/cleanup", (SessionCleanupJob job, IOptions<SessionStorageOptions> options) =>
            Results.Ok(CleanupStatusDto.From(job, options.Value.QuarantineRetention)));

        return app;
    }

    private static void MapAction(RouteGroupBuilder api, string pattern, RepairAction action) =>
        api.MapPost(pattern, async (string phone, Fleet fleet, StorageDiagnostics diagnostics, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            return Answer(fleet, account.Id, await diagnostics.RunAsync(account.Id, action, null, ct));
        });

    /// <summary>200 when done; 409 with the reason when refused (for example, the session is in use).</summary>
    private static IResult Answer(Fleet fleet, string accountId, ActionOutcome outcome)
    {
        var response = new ActionResponse(outcome.Done, outcome.Message, fleet.Get(accountId)?.Status.ToString(), CleanupReportDto.Mb(outcome.BytesFreed));
        return outcome.Done ? Results.Ok(response) : Results.Conflict(response);
    }
}
