using System.Text.Json;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>WAHA's session statuses (https://waha.devlike.pro/docs/how-to/sessions/#session-status).</summary>
public static class WahaStatus
{
    public const string Stopped = "STOPPED";
    public const string Starting = "STARTING";
    public const string ScanQrCode = "SCAN_QR_CODE";
    public const string Working = "WORKING";
    public const string Failed = "FAILED";
}

/// <summary>The account a session is logged in as (<c>me</c>): <c>{id: "79111111@c.us", pushName}</c>.</summary>
public sealed record WahaMe(string Id, string? PushName)
{
    /// <summary>The JID form of <see cref="Id"/> (<c>@c.us</c> becomes <c>@s.whatsapp.net</c>).</summary>
    public string Jid => Id.EndsWith("@c.us", StringComparison.OrdinalIgnoreCase) ? Id[..^"@c.us".Length] + "@s.whatsapp.net" : Id;

    public static WahaMe? From(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && WahaJson.String(element, "id") is { Length: > 0 } id
            ? new WahaMe(id, WahaJson.String(element, "pushName"))
            : null;
}

/// <summary>A session as WAHA lists it: <c>{name, status, config{metadata, webhooks}, me{id, pushName}, engine{engine}}</c>.</summary>
public sealed record WahaSessionInfo(string Name, string Status, WahaMe? Me, string? Engine, IReadOnlyDictionary<string, string> Metadata)
{
    public static WahaSessionInfo From(JsonElement element)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in meta.EnumerateObject())
            {
                metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        string? engine = null;
        if (element.TryGetProperty("engine", out var engineElement))
        {
            engine = engineElement.ValueKind switch
            {
                JsonValueKind.Object => WahaJson.String(engineElement, "engine"),
                JsonValueKind.String => engineElement.GetString(),
                _ => null,
            };
        }

        return new WahaSessionInfo(
            WahaJson.String(element, "name") ?? "",
            WahaJson.String(element, "status") ?? "",
            element.TryGetProperty("me", out var me) ? WahaMe.From(me) : null,
            engine,
            metadata);
    }
}

internal static class WahaJson
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
