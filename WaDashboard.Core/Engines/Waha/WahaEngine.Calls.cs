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

/// <summary>The rest of the engine port: stop, log out, delete, send, and what the server holds.</summary>
public sealed partial class WahaEngine
{
    public async Task StopSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            await StopOnServerAsync(accountId, name, PendingOperation.Stop, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            await StopOnServerAsync(accountId, name, PendingOperation.Logout, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stop (or log out, then stop: WAHA starts a running session again from scratch after a logout). Best effort: when the
    /// server cannot be reached, the operation is remembered and reconciliation finishes it once the server answers.
    /// </summary>
    private async Task StopOnServerAsync(string accountId, string name, PendingOperation operation, CancellationToken cancellationToken)
    {
        try
        {
            if (operation == PendingOperation.Logout)
            {
                await IgnoreMissingAsync(() => Client.LogoutAsync(name, cancellationToken));
            }

            await IgnoreMissingAsync(() => Client.StopAsync(name, cancellationToken));
            _pending.TryRemove(name, out _);
        }
        catch (WahaException ex) when (ex is WahaBreakerOpenException or WahaUnreachableException or WahaTimeoutException
                                           or WahaApiException { IsServerError: true })
        {
            _pending[name] = operation;
            _logger.LogWarning(ex, "Gateway {ServerId}: could not {Operation} the session of {AccountId}; it will be done when the server answers",
                Server.Id, operation, accountId);
        }
    }

    private static async Task IgnoreMissingAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (WahaApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    public async Task DeleteSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        var gate = Gate(accountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            Untrack(accountId);
            _pending.TryRemove(name, out _);
            try
            {
                await IgnoreMissingAsync(() => Client.LogoutAsync(name, cancellationToken));
            }
            catch (WahaException ex)
            {
                _logger.LogWarning(ex, "Gateway {ServerId}: logout before deleting the session of {AccountId} failed; deleting anyway", Server.Id, accountId);
            }

            await IgnoreMissingAsync(() => Client.DeleteSessionAsync(name, cancellationToken));
            _logger.LogInformation("Gateway {ServerId}: deleted the session of {AccountId}", Server.Id, accountId);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken)
    {
        var name = SessionName(accountId);
        if (!_sessions.TryGetValue(accountId, out var session) || session.Status != WahaStatus.Working)
        {
            var status = session?.Status is { } known && known != Unreachable ? known : "not started by the dashboard";
            _logger.LogWarning("Gateway {ServerId}: send refused for {AccountId}: the session is {Status}", Server.Id, accountId, status);
            return EngineSendResult.NotConnectedRefusal($"Gateway {Server.Id}: the session {name} is {status}; the message was not sent.");
        }

        JsonElement answer;
        try
        {
            answer = await Client.SendTextAsync(name, $"{toDigits}@c.us", text, cancellationToken);
        }
        catch (WahaBreakerOpenException ex)
        {
            return EngineSendResult.Refused(ex.Message);
        }
        catch (WahaUnreachableException ex) when (!ex.RequestMayHaveBeenSent)
        {
            return EngineSendResult.Refused(ex.Message);
        }
        catch (WahaApiException ex) when (!ex.IsServerError)
        {
            // 422: the session is not WORKING (WAHA waits a few seconds for it, then refuses); 404: no such session.
            return ex.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.NotFound
                ? EngineSendResult.NotConnectedRefusal(ex.Message)
                : EngineSendResult.Refused(ex.Message);
        }

        // A timeout, a broken connection or a 5xx propagate: the message may have gone out.
        var id = WahaMessageIds.OfSent(answer, $"{toDigits}@c.us");
        if (id is null)
        {
            _logger.LogWarning("Gateway {ServerId}: sendText for {AccountId} was accepted but the answer holds no message id", Server.Id, accountId);
        }

        return EngineSendResult.Sent(id ?? "");
    }

    public async Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(SessionName(accountId), cancellationToken);
        if (info is null || info.Status == WahaStatus.Stopped || AccountIdOf(info) != accountId)
        {
            return null;
        }

        return new EngineSessionInfo(accountId, GenerationOf(info) ?? TrackedGeneration(accountId), info.Status == WahaStatus.Working);
    }

    /// <summary>Whether the session is WORKING with an account on the server (a stopped, failed or unauthenticated one is not).</summary>
    public async Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken)
    {
        var info = await Client.GetSessionAsync(SessionName(accountId), cancellationToken);
        return info is { Status: WahaStatus.Working, Me: not null };
    }

    /// <summary>The dashboard's sessions that run on the server (STOPPED ones are not held).</summary>
    public async Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken)
    {
        var all = await Client.ListSessionsAsync(cancellationToken);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        return all
            .Where(s => s.Status != WahaStatus.Stopped)
            .Select(s => (Info: s, AccountId: AccountIdOf(s)))
            .Where(s => s.AccountId is not null)
            .Select(s => new EngineSessionInfo(s.AccountId!, GenerationOf(s.Info) ?? TrackedGeneration(s.AccountId!), s.Info.Status == WahaStatus.Working))
            .ToList();
    }

    public async Task<IReadOnlyList<GatewaySession>> ListServerSessionsAsync(CancellationToken cancellationToken)
    {
        var all = await Client.ListSessionsAsync(cancellationToken);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        // WAHA's list has no engine (src/core/manager.core.ts getSessions); one session's GET has it (getSessionInfo).
        if (EngineKind == WahaEngineKind.Unknown && all.FirstOrDefault(s => s.Status != WahaStatus.Stopped) is { } running)
        {
            LearnEngine((await Client.GetSessionAsync(running.Name, cancellationToken))?.Engine);
        }

        var engine = EngineKind == WahaEngineKind.Unknown ? null : EngineKind.ToString().ToUpperInvariant();
        return all.Select(s => new GatewaySession(s.Name, s.Status, AccountIdOf(s), s.Me?.Id, s.Me?.PushName, s.Engine ?? engine)).ToList();
    }
}
