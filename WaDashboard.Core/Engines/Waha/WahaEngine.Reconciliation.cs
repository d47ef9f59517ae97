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
    // ------------------------------------------------------------------ reconciliation and the background loops

    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var epoch = Interlocked.Read(ref _epoch);
        IReadOnlyList<WahaSessionInfo> all;
        try
        {
            all = await Client.ListSessionsAsync(cancellationToken);
        }
        catch (WahaException ex)
        {
            _logger.LogWarning("Gateway {ServerId}: reconciliation could not list the sessions: {Error}", Server.Id, ex.Message);
            if (Client.BreakerOpen)
            {
                await ReportUnreachableAsync(ex.Message, cancellationToken);
            }

            return;
        }

        Interlocked.Exchange(ref _lastReconcileTicks, _time.GetUtcNow().UtcTicks);
        Volatile.Write(ref _sessionsOnServer, all.Count);
        var byName = new Dictionary<string, WahaSessionInfo>(StringComparer.Ordinal);
        foreach (var info in all)
        {
            byName.TryAdd(info.Name, info);
        }

        foreach (var session in _sessions.Values.ToList())
        {
            await WithSessionAsync(session, async (s, ct) =>
            {
                if (s.OpEpoch > epoch)
                {
                    return; // the listing is older than what the adapter just did to this session
                }

                if (!byName.TryGetValue(s.Name, out var info))
                {
                    LoseSession(s);
                    return;
                }

                if (GenerationOf(info) is { } generation && generation != s.Generation)
                {
                    return;
                }

                await ApplyAsync(s, info, ct);
            }, cancellationToken);
        }

        await FinishPendingAsync(byName, cancellationToken);
    }

    /// <summary>Stops (or logouts) that could not reach the server when they were asked for.</summary>
    private async Task FinishPendingAsync(Dictionary<string, WahaSessionInfo> byName, CancellationToken cancellationToken)
    {
        foreach (var (name, operation) in _pending.ToList())
        {
            var accountId = name[_options.SessionPrefix.Length..];
            var gate = Gate(accountId);
            await gate.WaitAsync(cancellationToken);
            try
            {
                if (!_pending.TryGetValue(name, out var current) || current != operation || _sessions.ContainsKey(accountId))
                {
                    continue;
                }

                if (!byName.TryGetValue(name, out var info) || info.Status == WahaStatus.Stopped && operation == PendingOperation.Stop)
                {
                    _pending.TryRemove(name, out _);
                    continue;
                }

                await StopOnServerAsync(accountId, name, operation, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>The server stopped answering: every session believed connected is reported once.</summary>
    private async Task ReportUnreachableAsync(string error, CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values.Where(s => s.Connected).ToList())
        {
            await WithSessionAsync(session, (s, _) =>
            {
                if (s.Connected)
                {
                    s.Connected = false;
                    s.Status = Unreachable;
                    _logger.LogWarning("Gateway {ServerId} is not answering; {AccountId} is reported disconnected", Server.Id, s.AccountId);
                    Emit(new SessionDisconnected(s.AccountId, s.Generation, "gateway-unreachable", $"Gateway {Server.Id} is not answering: {error}"));
                }

                return Task.CompletedTask;
            }, cancellationToken, reportErrors: false);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Gateway {ServerId} ({Url}): reconciling every {ReconcileInterval}, polling QR codes every {QrPollInterval}",
            Server.Id, Server.Url, _options.ReconcileInterval, _options.QrPollInterval);
        var reconcile = LoopAsync(_options.ReconcileInterval, ReconcileAsync, runFirst: true, "reconciliation", cancellationToken);
        var qr = LoopAsync(_options.QrPollInterval, PollLinkingAsync, runFirst: false, "QR polling", cancellationToken);
        await Task.WhenAll(reconcile, qr);
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task> pass, bool runFirst, string what, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            if (runFirst)
            {
                await RunPassAsync(pass, what, cancellationToken);
            }

            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RunPassAsync(pass, what, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunPassAsync(Func<CancellationToken, Task> pass, string what, CancellationToken cancellationToken)
    {
        try
        {
            await pass(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Gateway {ServerId}: a {Work} pass failed; trying again next interval", Server.Id, what);
        }
    }

    /// <summary>
    /// One pass of the server's single QR loop: every session being linked is read (its status, then its QR while it is in
    /// SCAN_QR_CODE, so a scan or a confirmed code is seen within one interval even without webhooks); an unconfirmed
    /// pairing code dies after 3 minutes.
    /// </summary>
    internal async Task PollLinkingAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values.Where(s => s.Intent != LinkMode.None).ToList())
        {
            await WithSessionAsync(session, async (s, ct) =>
            {
                if (s.Intent == LinkMode.None)
                {
                    return;
                }

                if (s is { Intent: LinkMode.PairingCode, PairingCodeExpiresAt: { } expires } && _time.GetUtcNow() >= expires)
                {
                    // As WhatsApp Web: an unconfirmed code dies; a person asks for a new one.
                    _logger.LogInformation("Gateway {ServerId}: the pairing code of {AccountId} expired unconfirmed; stopping the session", Server.Id, s.AccountId);
                    Untrack(s);
                    await StopQuietlyAsync(s, ct);
                    Emit(new SessionDisconnected(s.AccountId, s.Generation, "408", "Pairing code expired"));
                    return;
                }

                // The status first (answered at once), the QR only when it says SCAN_QR_CODE: outside that status WAHA
                // holds a QR read up to 15 s before its 422 (waitUntilStatus, src/core/abc/manager.abc.ts).
                await ReadAndApplyAsync(s, ct);
            }, cancellationToken);
        }
    }
}
