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

public sealed partial class WahaEngine
{
    // ------------------------------------------------------------------ applying a status

    /// <summary>Runs <paramref name="work"/> under the account's lock if the session is still the current one.</summary>
    private async Task WithSessionAsync(Tracked session, Func<Tracked, CancellationToken, Task> work, CancellationToken cancellationToken, bool reportErrors = true)
    {
        var gate = Gate(session.AccountId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (IsCurrent(session))
            {
                await work(session, cancellationToken);
            }
        }
        catch (WahaException ex) when (reportErrors)
        {
            _logger.LogWarning("Gateway {ServerId}: could not read the session of {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private Task ReadAndApplyAsync(Tracked session, CancellationToken cancellationToken) => ReadAndApplyAsync(session, cancellationToken, null);

    private async Task ReadAndApplyAsync(Tracked session, CancellationToken cancellationToken, IReadOnlyList<string>? statuses)
    {
        var info = await Client.GetSessionAsync(session.Name, cancellationToken);
        if (info is null)
        {
            LoseSession(session);
            return;
        }

        // The webhook's list is the history up to the status it announced, which is at most the one read now.
        await ApplyAsync(session, info, cancellationToken, statuses);
    }

    /// <summary>
    /// The <c>statuses</c> of a <c>session.status</c> payload (<c>[{status, timestamp}]</c>, the last few, oldest first), as
    /// WAHA sends them since 2025 (<c>src/core/abc/session.abc.ts</c>); empty when absent.
    /// </summary>
    internal static IReadOnlyList<string> StatusesOf(JsonElement body)
    {
        if (!body.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("statuses", out var statuses) || statuses.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return statuses.EnumerateArray()
            .Select(s => s.ValueKind == JsonValueKind.Object ? WahaJson.String(s, "status") : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>A session the adapter believes running is gone from the server.</summary>
    private void LoseSession(Tracked session)
    {
        Untrack(session);
        if (session.Status is null or WahaStatus.Stopped && !session.Connected)
        {
            return;
        }

        _logger.LogWarning("Gateway {ServerId} no longer has the session of {AccountId}", Server.Id, session.AccountId);
        Emit(new SessionDisconnected(session.AccountId, session.Generation, "engine-lost-session",
            $"Gateway {Server.Id} no longer has the session {session.Name} (it was deleted, or the server lost it)."));
    }

    /// <summary>The one status-apply function (called under the account's lock).</summary>
    private async Task ApplyAsync(Tracked session, WahaSessionInfo info, CancellationToken cancellationToken, IReadOnlyList<string>? statuses = null)
    {
        if (!IsCurrent(session) || info.Status.Length == 0)
        {
            return;
        }

        LearnEngine(info.Engine);
        // What came before this status: WAHA's own list when a webhook brought it, else what this adapter saw.
        var before = statuses is not { Count: > 0 } ? session.Seen.ToList()
            : statuses[^1] == info.Status ? statuses.Take(statuses.Count - 1).ToList()
            : statuses.ToList();
        if (before.Count == 0)
        {
            before = session.Seen.ToList();
        }
        if (session.Seen.Count == 0 || session.Seen[^1] != info.Status)
        {
            session.Seen.Add(info.Status);
            if (session.Seen.Count > 10)
            {
                session.Seen.RemoveAt(0);
            }
        }

        var previous = session.Status;
        var effects = WahaStatusMapping.Map(previous, info.Status, session.Intent, session.PairingCodeIssued);
        session.Status = info.Status;
        session.Connected = info.Status == WahaStatus.Working;
        if (previous != info.Status)
        {
            _logger.LogInformation("Gateway {ServerId}: session of {AccountId} is {Status} (was {Previous})",
                Server.Id, session.AccountId, info.Status, previous ?? "unknown");
        }

        foreach (var effect in effects)
        {
            switch (effect)
            {
                case WahaEffect.EmitAuthenticated:
                    Emit(new Authenticated(session.AccountId, session.Generation));
                    break;
                case WahaEffect.EmitConnected:
                    session.Intent = LinkMode.None;
                    var jid = info.Me?.Jid ?? $"{session.Request.PhoneDigits}@s.whatsapp.net";
                    Emit(new SessionConnected(session.AccountId, session.Generation, jid, info.Me?.PushName));
                    break;
                case WahaEffect.ShowQr:
                    string value;
                    try
                    {
                        value = await Client.GetQrValueAsync(session.Name, cancellationToken);
                    }
                    catch (WahaApiException ex) when (ex.StatusCode == HttpStatusCode.UnprocessableEntity)
                    {
                        break; // the status moved on already; the next read applies it
                    }

                    await ShowQrValueAsync(session, value, cancellationToken);
                    break;
                case WahaEffect.RequestPairingCode:
                    await RequestPairingCodeAsync(session, cancellationToken);
                    break;
                case WahaEffect.StopNoLogin:
                    _logger.LogWarning("Gateway {ServerId}: the session of {AccountId} has no login and asks for a QR; stopping it (restore only)",
                        Server.Id, session.AccountId);
                    Untrack(session);
                    await StopQuietlyAsync(session, cancellationToken);
                    Emit(new NoValidSession(session.AccountId, session.Generation,
                        $"The gateway {Server.Id} has no login for this account; it asks for a QR."));
                    break;
                case WahaEffect.StopLostLogin:
                    Untrack(session);
                    await StopQuietlyAsync(session, cancellationToken);
                    Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaStatus.ScanQrCode,
                        $"Gateway {Server.Id}: the session {session.Name} lost its login (logged out) and asks for a new QR code; it was stopped."));
                    break;
                case WahaEffect.EmitFailed:
                    var failure = WahaFailedStatus.Classify(EngineKind, before, info.Me is not null);
                    var (code, text) = WahaFailedStatus.Describe(failure, EngineKind, Server.Id, session.Name);
                    _logger.LogInformation("Gateway {ServerId}: the session of {AccountId} FAILED after {Before}: {Reason}",
                        Server.Id, session.AccountId, string.Join(" → ", before.TakeLast(3)), failure);
                    if (failure is WahaFailure.QrExpired or WahaFailure.LoggedOut)
                    {
                        // Nothing a restart can mend: the session is stopped; a person relinks.
                        Untrack(session);
                        await StopQuietlyAsync(session, cancellationToken);
                    }

                    Emit(new SessionDisconnected(session.AccountId, session.Generation, code, text));
                    break;
                case WahaEffect.EmitStopped:
                    Emit(new SessionDisconnected(session.AccountId, session.Generation, WahaStatus.Stopped,
                        $"Gateway {Server.Id}: the session {session.Name} was stopped on the server, not by the dashboard (was {previous ?? "unknown"})."));
                    break;
            }
        }
    }

    /// <summary>A QR value read from the server: a new one is the next ref; the change after the last ref ends the link.</summary>
    private async Task ShowQrValueAsync(Tracked session, string value, CancellationToken cancellationToken)
    {
        session.Status = WahaStatus.ScanQrCode;
        if (value == session.LastQr)
        {
            return;
        }

        if (session.QrIndex >= QrRefs)
        {
            _logger.LogInformation("Gateway {ServerId}: {Refs} QR codes of {AccountId} went unscanned; stopping the session", Server.Id, QrRefs, session.AccountId);
            Untrack(session);
            await StopQuietlyAsync(session, cancellationToken);
            Emit(new SessionDisconnected(session.AccountId, session.Generation, "408", "QR refs attempts ended"));
            return;
        }

        session.QrIndex++;
        session.LastQr = value;
        var lifetime = session.QrIndex == 1 ? FirstQrLifetime : QrRefLifetime;
        Emit(new QrIssued(session.AccountId, session.Generation, value, _time.GetUtcNow() + lifetime, session.QrIndex, QrRefs));
    }

    private async Task RequestPairingCodeAsync(Tracked session, CancellationToken cancellationToken)
    {
        string code;
        try
        {
            code = await Client.RequestCodeAsync(session.Name, session.Request.PhoneDigits, cancellationToken);
        }
        catch (WahaApiException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: no pairing code for {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
            Untrack(session);
            await StopQuietlyAsync(session, cancellationToken);
            Emit(new SessionDisconnected(session.AccountId, session.Generation, "request-code-failed", ex.Message));
            return;
        }

        session.PairingCodeExpiresAt = _time.GetUtcNow() + PairingCodeLifetime;
        var plain = new string(code.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        Emit(new PairingCodeIssued(session.AccountId, session.Generation, plain, session.PairingCodeExpiresAt.Value));
    }

    /// <summary>Stops a session the adapter gave up on; a refusal is logged, never thrown (the event that follows matters more).</summary>
    private async Task StopQuietlyAsync(Tracked session, CancellationToken cancellationToken)
    {
        try
        {
            await StopOnServerAsync(session.AccountId, session.Name, PendingOperation.Stop, cancellationToken);
        }
        catch (WahaException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: could not stop the session of {AccountId}: {Error}", Server.Id, session.AccountId, ex.Message);
        }
    }
}
