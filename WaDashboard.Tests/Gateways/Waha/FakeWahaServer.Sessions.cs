using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Tests.Gateways.Waha;

public sealed partial class FakeWahaServer
{
    // ------------------------------------------------------------------ session life (under _lock)

    private void Start(FakeSession session)
    {
        var token = ++session.StartToken;
        SetStatus(session, "STARTING");
        _background.Add(Task.Run(async () =>
        {
            try
            {
                await Task.Delay(StartDelay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_lock)
            {
                if (session.StartToken != token || session.Status != "STARTING" || !_sessions.ContainsKey(session.Name))
                {
                    return;
                }

                if (session.HasLogin)
                {
                    SetStatus(session, "WORKING");
                }
                else
                {
                    session.Qr = NewQr();
                    session.QrCount = 1;
                    SetStatus(session, "SCAN_QR_CODE");
                }
            }
        }));
    }

    private void Stop(FakeSession session)
    {
        session.StartToken++;
        session.Qr = null;
        SetStatus(session, "STOPPED");
    }

    private void SetStatus(FakeSession session, string status, bool force = false)
    {
        if (session.Status == status && !force)
        {
            return;
        }

        session.Status = status;
        session.Statuses.Add((status, NowMs()));
        _statusChanged.TrySetResult();
        _statusChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The payload carries the last statuses with their times (src/core/abc/session.abc.ts, statusTracker → statuses).
        var recent = new JsonArray(session.Statuses.TakeLast(3).Select(s => (JsonNode)new JsonObject { ["status"] = s.Status, ["timestamp"] = s.At }).ToArray());
        Deliver(session, "session.status", new JsonObject { ["status"] = status, ["statuses"] = recent, ["data"] = null });
    }

}
