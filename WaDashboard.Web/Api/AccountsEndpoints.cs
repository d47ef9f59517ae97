using Microsoft.AspNetCore.Mvc;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;
using WaDashboard.Web.Components.Shared;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Api;

/// <summary>The accounts REST API; field names follow the ones existing operator scripts use.</summary>
public static class AccountsEndpoints
{
    /// <summary>How long a reconnect request waits for a fresh QR before answering 202 with retryIn.</summary>
    private static readonly TimeSpan QrWait = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapAccountsEndpoints(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/accounts").WithTags("Accounts");

        accounts.MapGet("/", (Fleet fleet, TimeProvider time) =>
            Results.Ok(fleet.Accounts.Select(a => AccountDto.From(a, time.GetUtcNow()))));

        accounts.MapPost("/", async (CreateAccountRequest? request, OperatorActions actions, HttpContext http, TimeProvider time, CancellationToken ct) =>
        {
            try
            {
                var account = await actions.AddAccountAsync(http.User, request?.Name, request?.Phone, request?.WorkerId, ct);
                return Results.Created($"/api/accounts/{Uri.EscapeDataString(account.Phone.Value)}", AccountDto.From(account, time.GetUtcNow()));
            }
            catch (AccountValidationException ex)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { [ex.Field] = [ex.Message] }, detail: ex.Message);
            }
            catch (DuplicatePhoneException ex)
            {
                return AccountRoute.Problem(StatusCodes.Status409Conflict, "Duplicate phone number", ex.Message);
            }
        }).RequireAuthorization(Policies.Operate);

        accounts.MapGet("/{phone}", (string phone, Fleet fleet, TimeProvider time) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem) ? Results.Ok(AccountDto.From(account, time.GetUtcNow())) : problem);

        accounts.MapDelete("/{phone}", async (string phone, Fleet fleet, OperatorActions actions, HttpContext http, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            await actions.DeleteAccountAsync(http.User, account.Id, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.Administer);

        accounts.MapGet("/{phone}/disconnect-reason", (string phone, Fleet fleet) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem)
                ? Results.Ok(DisconnectReasonDto.From(account))
                : problem);

        accounts.MapPost("/{phone}/move", async (string phone, MoveAccountRequest? request, Fleet fleet, OperatorActions actions, HttpContext http, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            if (string.IsNullOrWhiteSpace(request?.WorkerId))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["worker_id"] = ["Name the server to move to, e.g. {\"worker_id\": \"waha-2\"}."] });
            }

            var result = await actions.MoveAccountAsync(http.User, account.Id, request.WorkerId, ct);
            var now = fleet.Get(account.Id) ?? account;
            var response = new MoveAccountResponse(result.Accepted, result.Message, now.WorkerId, now.Status.ToString(), result.Accepted);
            return result.Accepted ? Results.Ok(response) : Results.Conflict(response);
        }).RequireAuthorization(Policies.Operate);

        accounts.MapGet("/{phone}/status", (string phone, Fleet fleet) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem) ? Results.Ok(StatusDto.From(account)) : problem);

        accounts.MapGet("/{phone}/timeline", async (string phone, Fleet fleet, CancellationToken ct) =>
            AccountRoute.TryResolve(fleet, phone, out var account, out var problem)
                ? Results.Ok(await fleet.GetTimelineAsync(account.Id, 200, ct))
                : problem);

        accounts.MapPost("/{phone}/reconnect", async (string phone, [FromQuery] bool? force, Fleet fleet, OperatorActions actions, HttpContext http, QrCodeRenderer qr, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            var result = await actions.SendAsync(http.User, account.Id, new ReconnectCommand(force == true), ct);
            return await AnswerAsync(fleet, qr, account.Id, result, ct);
        }).RequireAuthorization(Policies.Operate);

        accounts.MapPost("/{phone}/link", async (string phone, LinkRequest? request, Fleet fleet, OperatorActions actions, HttpContext http, QrCodeRenderer qr, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            var mode = request?.Mode?.Trim().ToLowerInvariant() switch
            {
                null or "" or "qr" => LinkMode.Qr,
                "pairing-code" or "pairing" or "code" => LinkMode.PairingCode,
                _ => LinkMode.None,
            };
            if (mode == LinkMode.None)
            {
                return AccountRoute.Problem(StatusCodes.Status400BadRequest, "Unknown link mode", "mode must be \"qr\" or \"pairing-code\".");
            }

            var result = await actions.SendAsync(http.User, account.Id, new LinkCommand(mode), ct);
            return await AnswerAsync(fleet, qr, account.Id, result, ct);
        }).RequireAuthorization(Policies.Operate);

        MapCommand(accounts, "/{phone}/logout", () => new LogoutCommand());
        MapCommand(accounts, "/{phone}/stop", () => new StopCommand());

        accounts.MapGet("/{phone}/qr", (string phone, HttpRequest http, Fleet fleet, QrCodeRenderer qr) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            if (account.Qr is not { } code)
            {
                return AccountRoute.Problem(StatusCodes.Status404NotFound, "No QR code",
                    account.IsConnected
                        ? "The account is connected; there is no QR code to scan."
                        : "No QR code is on screen for this account. Ask for one with POST /api/accounts/{phone}/reconnect or /link.");
            }

            var png = qr.ToPng(code.Value);
            var wantsJson = http.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
            return wantsJson
                ? Results.Ok(new QrDto(code.Value, "data:image/png;base64," + Convert.ToBase64String(png), code.Index, code.Total, code.ExpiresAt))
                : Results.File(png, "image/png");
        });

        return app;
    }

    /// <summary>A command that answers at once with its outcome and the account's new state.</summary>
    private static void MapCommand(RouteGroupBuilder accounts, string pattern, Func<SessionCommand> command) =>
        accounts.MapPost(pattern, async (string phone, Fleet fleet, OperatorActions actions, HttpContext http, CancellationToken ct) =>
        {
            if (!AccountRoute.TryResolve(fleet, phone, out var account, out var problem))
            {
                return problem;
            }

            var result = await actions.SendAsync(http.User, account.Id, command(), ct);
            return Results.Ok(new ReconnectResponse(result.Accepted, result.Message, fleet.Get(account.Id)?.Status.ToString() ?? ""));
        }).RequireAuthorization(Policies.Operate);

    /// <summary>200 with the QR (or the restart under way), 202 while the QR is not ready yet, 409 when connected or refused.</summary>
    private static async Task<IResult> AnswerAsync(Fleet fleet, QrCodeRenderer qr, string accountId, CommandResult result, CancellationToken ct)
    {
        if (result.Outcome is CommandOutcome.AlreadyConnected or CommandOutcome.Refused)
        {
            return Results.Conflict(new ReconnectResponse(false, result.Message, fleet.Get(accountId)?.Status.ToString() ?? ""));
        }

        var state = fleet.Get(accountId);
        if (state is { Status: AccountStatus.Starting, SessionLinked: false })
        {
            state = await fleet.WaitForAsync(accountId, s => s.Status != AccountStatus.Starting || s.SessionLinked, QrWait, ct);
        }

        return state switch
        {
            null => AccountRoute.Problem(StatusCodes.Status404NotFound, "Unknown account", "The account was removed."),
            { Qr: { } code } => Results.Ok(new ReconnectResponse(true, "Scan this QR code with the phone: WhatsApp → Linked devices → Link a device.",
                state.Status.ToString(), "data:image/png;base64," + Convert.ToBase64String(qr.ToPng(code.Value)), code.Value)),
            { PairingCode: { } pairing } => Results.Ok(new ReconnectResponse(true, "Enter this pairing code on the phone.",
                state.Status.ToString(), PairingCode: pairing.Display)),
            // The start ended before any code came (refused by the gateway, or it failed): a failure, in the gateway's words.
            { Status: AccountStatus.Disconnected or AccountStatus.QrExpired, SessionLinked: false } => Results.Conflict(
                new ReconnectResponse(false, state.Note ?? result.Message, state.Status.ToString())),
            { Status: AccountStatus.Starting, SessionLinked: false } => Results.Accepted(value: new PendingResponse(
                "The new session is starting; the QR code is not ready yet. Ask again shortly.", 3000)),
            _ => Results.Ok(new ReconnectResponse(true, result.Message, state.Status.ToString())),
        };
    }
}
