using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Audit;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Security;

/// <summary>
/// The one door through which pages and the REST API act on accounts: checks the caller's role, runs the
/// action, and writes the audit log (who, what, which account, outcome). Reading needs no door.
/// </summary>
public sealed class OperatorActions(Fleet fleet, AuditLog audit, IAuthorizationService authorization, IServiceProvider services)
{
    public static readonly string ViewOnly = CommandReplies.Say("Reply.ViewOnly");

    public async Task<bool> CanAsync(ClaimsPrincipal user, string policy) =>
        (await authorization.AuthorizeAsync(user, policy)).Succeeded;

    public async Task<CommandResult> SendAsync(ClaimsPrincipal user, string accountId, SessionCommand command, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return new CommandResult(CommandOutcome.Refused, ViewOnly);
        }

        using var activity = Core.Telemetry.WaDashboardActivities.StartChild("operator " + ActionName(command), accountId);
        var result = await RefusedByGatewayAsync(accountId, command, cancellationToken) ?? await fleet.SendAsync(accountId, command, cancellationToken);
        await audit.RecordAsync(Actor(user), ActionName(command), accountId, AuditNotes.Outcome(result), cancellationToken);
        return result;
    }

    /// <summary>
    /// A link on a gateway server asks the server first whether it will hold the session: a refusal (e.g. WAHA Core, which
    /// holds only the session "default") is the answer the person gets at once, and nothing is started.
    /// </summary>
    private async Task<CommandResult?> RefusedByGatewayAsync(string accountId, SessionCommand command, CancellationToken cancellationToken)
    {
        if (command is not LinkCommand || fleet.Get(accountId) is not { } account
            || services.GetService<Core.Engines.Workers.WorkerRouter>()?.Find(account.WorkerId)?.Gateway is not { } gateway)
        {
            return null;
        }

        try
        {
            return await gateway.CheckLinkAsync(accountId, cancellationToken) is { } refusal
                ? new CommandResult(CommandOutcome.Refused, refusal)
                : null;
        }
        catch (Core.Engines.Waha.WahaException)
        {
            return null; // the server could not be asked: the link goes ahead and reports what happens
        }
    }

    public async Task<IReadOnlyDictionary<string, CommandResult>> ReconnectManyAsync(ClaimsPrincipal user, IReadOnlyCollection<string> accountIds, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return accountIds.ToDictionary(id => id, _ => new CommandResult(CommandOutcome.Refused, ViewOnly));
        }

        var results = await fleet.ReconnectManyAsync(accountIds, cancellationToken);
        foreach (var (id, result) in results)
        {
            await audit.RecordAsync(Actor(user), "reconnect (bulk)", id, AuditNotes.Outcome(result), cancellationToken);
        }

        return results;
    }

    /// <summary>Adds an account; throws the same validation exceptions as <see cref="Fleet.AddAsync"/>, or UnauthorizedAccessException.</summary>
    public async Task<AccountState> AddAccountAsync(ClaimsPrincipal user, string? name, string? phone, CancellationToken cancellationToken) =>
        await AddAccountAsync(user, name, phone, workerId: null, cancellationToken);

    /// <summary>Adds an account on the given worker, or where placement finds the most free capacity when none is given.</summary>
    public async Task<AccountState> AddAccountAsync(ClaimsPrincipal user, string? name, string? phone, string? workerId, CancellationToken cancellationToken)
    {
        await DemandAsync(user, Policies.Operate);
        var account = await fleet.AddAsync(name, phone, workerId, cancellationToken);
        await audit.RecordAsync(Actor(user), "account.add", account.Id, $"{account.Name} {account.Phone.Masked} on {account.WorkerId}", cancellationToken);
        return account;
    }

    /// <summary>Moves an account to another server; it must be linked again there.</summary>
    public async Task<CommandResult> MoveAccountAsync(ClaimsPrincipal user, string accountId, string? workerId, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return new CommandResult(CommandOutcome.Refused, ViewOnly);
        }

        var from = fleet.Get(accountId)?.WorkerId;
        var result = await fleet.MoveAsync(accountId, workerId, cancellationToken);
        await audit.RecordAsync(Actor(user), "account.move", accountId, AuditNotes.Say("Audit.Move", from, workerId, AuditNotes.Outcome(result)), cancellationToken);
        return result;
    }

    public async Task<bool> DeleteAccountAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken)
    {
        await DemandAsync(user, Policies.Administer);
        var name = fleet.Get(accountId)?.Name;
        var deleted = await fleet.DeleteAsync(accountId, cancellationToken);
        if (deleted)
        {
            await audit.RecordAsync(Actor(user), "account.delete", accountId, name, cancellationToken);
        }

        return deleted;
    }

    /// <summary>Simulator mode: the phone scans. Returns an error a person can act on, or null.</summary>
    public async Task<string?> SimulateScanAsync(ClaimsPrincipal user, string accountId, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return ViewOnly;
        }

        var error = services.GetRequiredService<SimulatorEngine>().Scan(accountId);
        await audit.RecordAsync(Actor(user), "simulator.scan", accountId, error ?? AuditNotes.Say("Audit.Scanned"), cancellationToken);
        return error;
    }

    public async Task<string?> SimulateFaultAsync(ClaimsPrincipal user, string accountId, SimulatorFault fault, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return ViewOnly;
        }

        var error = services.GetRequiredService<SimulatorEngine>().InjectFault(accountId, fault);
        await audit.RecordAsync(Actor(user), $"simulator.fault.{fault.Kind}", accountId, error ?? $"{fault.Code} {fault.Text}".Trim(), cancellationToken);
        return error;
    }

    /// <summary>
    /// Removes a session the dashboard made on a gateway server and no longer uses there (its account was removed or
    /// moved). Refused for a session the dashboard did not make, and for one its account still runs on. Admins only.
    /// </summary>
    public async Task<(bool Done, string Message)> RemoveLeftBehindSessionAsync(ClaimsPrincipal user, string workerId, string sessionName, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Administer))
        {
            return (false, AuditNotes.Say("Audit.Gateway.AdminOnly"));
        }

        (bool, string) outcome;
        if (fleet.Workers.Find(workerId)?.Gateway is not { } gateway)
        {
            outcome = (false, AuditNotes.Say("Audit.Gateway.NotConfigured", workerId));
        }
        else
        {
            var found = (await ServerSessions.ListAsync(gateway, fleet, cancellationToken)).FirstOrDefault(s => s.Name == sessionName);
            outcome = found switch
            {
                null => (false, AuditNotes.Say("Audit.Gateway.NoSuchSession", workerId, sessionName)),
                { AccountId: null } => (false, AuditNotes.Say("Audit.Gateway.NotOurs", sessionName, workerId)),
                { Managed: true } => (false, AuditNotes.Say("Audit.Gateway.Live", sessionName, fleet.Get(found.AccountId)?.Name, workerId)),
                _ => (true, AuditNotes.Say("Audit.Gateway.Removed", sessionName, workerId)),
            };
            if (outcome.Item1)
            {
                await gateway.DeleteSessionAsync(found!.AccountId!, cancellationToken);
            }
        }

        await audit.RecordAsync(Actor(user), "gateway.session.remove", null, AuditNotes.Say("Audit.GatewaySession", workerId, sessionName, outcome.Item2), cancellationToken);
        return outcome;
    }

    /// <summary>Runs an operator action that is not a session command (e.g. on the outbox), audited with its account.</summary>
    public async Task<bool> TryActAsync(ClaimsPrincipal user, string action, string? accountId, Func<Task<string>> act, CancellationToken cancellationToken)
    {
        if (!await CanAsync(user, Policies.Operate))
        {
            return false;
        }

        var outcome = await act();
        await audit.RecordAsync(Actor(user), action, accountId, outcome, cancellationToken);
        return true;
    }

    /// <summary>Like <see cref="TryActAsync"/>, returning the operation's result (null when the role may not act).</summary>
    public async Task<T?> ActAsync<T>(ClaimsPrincipal user, string action, string? accountId, Func<Task<T>> act, Func<T, string> describe, CancellationToken cancellationToken)
        where T : class
    {
        T? result = null;
        await TryActAsync(user, action, accountId, async () =>
        {
            result = await act();
            return describe(result);
        }, cancellationToken);
        return result;
    }

    public Task RecordAsync(ClaimsPrincipal user, string action, string? detail, CancellationToken cancellationToken) =>
        audit.RecordAsync(Actor(user), action, null, detail, cancellationToken);

    public static string Actor(ClaimsPrincipal user) => user.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    private async Task DemandAsync(ClaimsPrincipal user, string policy)
    {
        if (!await CanAsync(user, policy))
        {
            throw new UnauthorizedAccessException(policy == Policies.Administer ? "Only an admin can do this." : ViewOnly);
        }
    }

    private static string ActionName(SessionCommand command) => command switch
    {
        LinkCommand { Mode: LinkMode.PairingCode } => "link (pairing code)",
        LinkCommand => "link (QR)",
        ReconnectCommand { Force: true } => "reconnect (forced)",
        ReconnectCommand => "reconnect",
        LogoutCommand => "logout",
        StopCommand => "stop",
        _ => command.GetType().Name,
    };
}
