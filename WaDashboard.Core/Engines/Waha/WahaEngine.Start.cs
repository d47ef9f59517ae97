using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>Starting a session: restore a linked one, or link by QR code or pairing code.</summary>
public sealed partial class WahaEngine
{
    public async Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken)
    {
        var gate = Gate(request.AccountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var session = new Tracked(request, SessionName(request.AccountId));
            _sessions[request.AccountId] = session;
            _pending.TryRemove(session.Name, out _);
            try
            {
                if (request.Link == LinkMode.None)
                {
                    await RestoreAsync(session, cancellationToken);
                }
                else
                {
                    await LinkAsync(session, cancellationToken);
                }
            }
            catch
            {
                // The start did not happen: nothing is believed running (the supervisor hears of the failure from the exception).
                Untrack(session);
                throw;
            }
            finally
            {
                session.OpEpoch = Interlocked.Increment(ref _epoch);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Restore only: adopt a working session, start a stopped one, restart a failed one; never a QR.</summary>
    private async Task RestoreAsync(Tracked session, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(session.Name, cancellationToken);
        if (info is null)
        {
            Untrack(session);
            Emit(new NoValidSession(session.AccountId, session.Generation, $"The gateway {Server.Id} holds no session for this account."));
            return;
        }

        if (GenerationOf(info) is { } stored && stored != session.Generation)
        {
            _logger.LogWarning("Gateway {ServerId}: session {Session} of {AccountId} carries generation {Stored}, restoring generation {Generation}",
                Server.Id, session.Name, session.AccountId, stored, session.Generation);
        }

        switch (info.Status)
        {
            case WahaStatus.Stopped:
                session.Status = WahaStatus.Stopped;
                _logger.LogInformation("Gateway {ServerId}: starting the stopped session of {AccountId}", Server.Id, session.AccountId);
                info = await Client.StartAsync(session.Name, cancellationToken);
                break;
            case WahaStatus.Failed:
                session.Status = WahaStatus.Failed;
                _logger.LogInformation("Gateway {ServerId}: restarting the failed session of {AccountId}", Server.Id, session.AccountId);
                info = await Client.RestartAsync(session.Name, cancellationToken);
                break;
        }

        await ApplyAsync(session, info, cancellationToken);
    }

    /// <summary>Link by QR or code: a fresh session for the new generation (created, or logged out and started again).</summary>
    private async Task LinkAsync(Tracked session, CancellationToken cancellationToken)
    {
        var config = SessionConfig(session);
        var existing = await Client.GetSessionAsync(session.Name, cancellationToken);
        WahaSessionInfo info;
        if (existing is null)
        {
            _logger.LogInformation("Gateway {ServerId}: creating the session of {AccountId} (generation {Generation}) to link by {Link}",
                Server.Id, session.AccountId, session.Generation, session.Intent);
            try
            {
                info = await Client.CreateSessionAsync(session.Name, config, start: true, cancellationToken);
            }
            catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
            {
                Refused(session, refusal);
                return;
            }
        }
        else
        {
            _logger.LogInformation("Gateway {ServerId}: relinking the session of {AccountId} (generation {Generation}) by {Link}: stop, new config, logout, start",
                Server.Id, session.AccountId, session.Generation, session.Intent);
            if (existing.Status != WahaStatus.Stopped)
            {
                await Client.StopAsync(session.Name, cancellationToken);
            }

            try
            {
                await Client.UpdateSessionAsync(session.Name, config, cancellationToken);
                await Client.LogoutAsync(session.Name, cancellationToken);
                info = await Client.StartAsync(session.Name, cancellationToken);
            }
            catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
            {
                Refused(session, refusal);
                return;
            }
        }

        await ApplyAsync(session, info, cancellationToken);
    }

    /// <summary>WAHA refused to create or start the session: the person hears it at once, with WAHA's words and what to do.</summary>
    private void Refused(Tracked session, WahaRefusal refusal)
    {
        _logger.LogWarning("Gateway {ServerId}: the link of {AccountId} was refused: {Reason}", Server.Id, session.AccountId, refusal.Message);
        Untrack(session);
        Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaRefusal.Code, refusal.Message));
    }

    /// <summary>
    /// Asks the server whether it will hold this account's session, before a link is started: WAHA Core holds only the
    /// session <c>default</c> and refuses any other name with 422 (<c>OnlyDefaultSessionIsAllowed</c>,
    /// <c>src/core/manager.core.ts</c>), which only a create or a start reveals (a GET of an unknown name is a plain 404).
    /// A missing session is created stopped (<c>start: false</c>), which the link then starts; null when the server will hold it.
    /// </summary>
    public async Task<string?> CheckLinkAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (await Client.GetSessionAsync(name, cancellationToken) is not null)
            {
                return null;
            }

            var config = SessionConfig(new Tracked(new SessionStartRequest(accountId, 0, "", LinkMode.Qr, ""), name));
            await Client.CreateSessionAsync(name, config, start: false, cancellationToken);
            return null;
        }
        catch (WahaApiException ex) when (WahaRefusal.From(ex, Server.Id) is { } refusal)
        {
            return refusal.Message;
        }
        finally
        {
            gate.Release();
        }
    }

    private JsonObject SessionConfig(Tracked session)
    {
        var config = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                [AccountMetadataKey] = session.AccountId,
                [GenerationMetadataKey] = session.Generation.ToString(CultureInfo.InvariantCulture),
            },
        };
        // WEBJS sends message.ack (the delivery receipts) only with tagsEventsOn (src/core/engines/webjs/session.webjs.core.ts).
        config["webjs"] = new JsonObject { ["tagsEventsOn"] = true };
        if (_options.WebhookBaseUrl is { Length: > 0 } baseUrl)
        {
            var webhook = new JsonObject
            {
                ["url"] = $"{baseUrl.TrimEnd('/')}/api/webhooks/{Uri.EscapeDataString(Server.Id)}",
                ["events"] = new JsonArray("session.status", "message.ack"),
            };
            if (_options.WebhookSecretFor(Server) is { Length: > 0 } secret)
            {
                webhook["hmac"] = new JsonObject { ["key"] = secret };
            }

            config["webhooks"] = new JsonArray(webhook);
        }

        return config;
    }
}
