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
    // ------------------------------------------------------------------ webhooks

    public async Task HandleWebhookAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var kind = WahaJson.String(body, "event");
        var sessionName = WahaJson.String(body, "session");
        if (sessionName is null || AccountIdOfName(sessionName, MetadataOf(body)) is not { } accountId)
        {
            return;
        }

        switch (kind)
        {
            case "session.status":
                if (!_sessions.TryGetValue(accountId, out var tracked) || GenerationOf(MetadataOf(body)) is { } generation && generation != tracked.Generation)
                {
                    _logger.LogDebug("Gateway {ServerId}: session.status for {AccountId} ignored (no session started by the dashboard for it)", Server.Id, accountId);
                    return;
                }

                var statuses = StatusesOf(body);
                await WithSessionAsync(tracked, (t, ct) => ReadAndApplyAsync(t, ct, statuses), cancellationToken);
                break;
            case "message.ack":
                OnMessageAck(accountId, body);
                break;
        }
    }

    private void OnMessageAck(string accountId, JsonElement body)
    {
        if (!body.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
            || payload.TryGetProperty("fromMe", out var fromMe) && fromMe.ValueKind == JsonValueKind.False)
        {
            return;
        }

        var messageId = WahaJson.String(payload, "id");
        if (messageId is null && payload.TryGetProperty("id", out var idObject))
        {
            messageId = WahaJson.String(idObject, "_serialized");
        }

        messageId = messageId is null ? null : WahaMessageIds.Normalize(messageId);

        var ack = WahaJson.String(payload, "ackName");
        if (ack is null && payload.TryGetProperty("ack", out var ackNumber) && ackNumber.TryGetInt32(out var number))
        {
            ack = number >= -1 && number < AckNames.Length - 1 ? AckNames[number + 1] : number.ToString(CultureInfo.InvariantCulture);
        }

        int? generation = _sessions.TryGetValue(accountId, out var tracked) ? tracked.Generation : GenerationOf(MetadataOf(body));
        if (messageId is null || ack is null || generation is null)
        {
            return;
        }

        Emit(new MessageAcknowledged(accountId, generation.Value, messageId, ack));
    }
}
