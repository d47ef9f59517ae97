using System.Text.Json;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// One form for a sent message's id, so a send and its receipts match on every engine. WAHA names a message in its
/// events <c>{fromMe}_{chat}_{key id}</c> with the chat in <c>@c.us</c> form (<c>buildMessageId</c>, used by
/// <c>src/core/engines/noweb/session.noweb.core.ts</c> for <c>message.ack</c>); WEBJS's <c>sendText</c> answers that same
/// form in <c>id._serialized</c>, while NOWEB's answers the raw Baileys message, whose id is only <c>key.id</c> and whose
/// chat is <c>@s.whatsapp.net</c>. Both become <c>true_{digits}@c.us_{key id}</c>.
/// </summary>
public static class WahaMessageIds
{
    /// <summary>The id of a message this adapter sent to <paramref name="chatId"/>, from <c>sendText</c>'s answer; null when it has none.</summary>
    public static string? OfSent(JsonElement answer, string chatId)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (answer.TryGetProperty("id", out var id))
        {
            if (id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } plain)
            {
                return Normalize(plain.Contains('_') ? plain : $"true_{chatId}_{plain}");
            }

            if (WahaJson.String(id, "_serialized") is { Length: > 0 } serialized)
            {
                return Normalize(serialized);
            }
        }

        if (answer.TryGetProperty("key", out var key) && WahaJson.String(key, "id") is { Length: > 0 } keyId)
        {
            var chat = WahaJson.String(key, "remoteJid") ?? chatId;
            var fromMe = key.TryGetProperty("fromMe", out var me) && me.ValueKind == JsonValueKind.False ? "false" : "true";
            return Normalize($"{fromMe}_{chat}_{keyId}");
        }

        return null;
    }

    /// <summary>The one form of a serialized id: the chat's <c>@s.whatsapp.net</c> written <c>@c.us</c>, as WAHA does.</summary>
    public static string Normalize(string id) => id.Replace("@s.whatsapp.net", "@c.us", StringComparison.OrdinalIgnoreCase);
}
