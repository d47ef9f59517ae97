using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WaDashboard.Core.Storage;

/// <summary>
/// Baileys useMultiFileAuthState folders: creds.json must be present, parseable and complete (the key pairs, the
/// signed pre-key, the registration id, the ADV secret); a linked login is registered with its own JID. The other
/// files are keys, one file each, named "{type}-{id}.json"; they are counted per type.
/// </summary>
internal sealed class BaileysInspector : IFormatInspector
{
    public const string CredsFile = "creds.json";

    /// <summary>Key file types, longest first so that "sender-key-memory" is not taken for "sender-key".</summary>
    public static readonly string[] KeyTypes =
    [
        "app-state-sync-version", "app-state-sync-key", "sender-key-memory", "sender-key", "lid-mapping", "device-list",
        "pre-key", "session", "tctoken", "identity-key",
    ];

    private const int MaxCredsBytes = 4 * 1024 * 1024;

    public SessionFormat Format => SessionFormat.Baileys;

    public bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel) =>
        topLevel.Any(e => e is FileInfo && (e.Name == CredsFile || KeyTypeOf(e.Name) is not null));

    public void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required)
    {
        foreach (var entry in builder.TopLevel)
        {
            if (entry is FileInfo && KeyTypeOf(entry.Name) is { } type)
            {
                builder.KeyFileCounts[type] = builder.KeyFileCounts.GetValueOrDefault(type) + 1;
            }
        }

        var creds = Path.Combine(builder.Folder, CredsFile);
        var info = new FileInfo(creds);
        if (!info.Exists || FolderWalker.IsLink(info))
        {
            var keys = builder.KeyFileCounts.Values.Sum();
            builder.Add(FindingKind.CredsMissing, info.Exists
                ? "creds.json is a link; a login file must be a real file in the session folder."
                : $"No creds.json next to {keys} key file(s) ({string.Join(", ", builder.KeyFileCounts.Select(p => $"{p.Value} {p.Key}"))}).");
            return;
        }

        var (state, detail) = ReadCreds(creds);
        switch (state)
        {
            case CredsState.Empty:
                builder.Add(FindingKind.CredsEmpty, detail);
                return;
            case CredsState.Unreadable:
                builder.Add(FindingKind.CredsUnreadable, detail);
                return;
            case CredsState.Incomplete:
                builder.Add(FindingKind.CredsIncomplete, detail);
                return;
            case CredsState.Registered:
                builder.LoginPresent = true;
                return;
        }
    }

    public enum CredsState
    {
        Empty,
        Unreadable,
        Incomplete,
        /// <summary>Complete keys, but no phone was linked yet (a link in progress).</summary>
        NotRegistered,
        Registered,
    }

    /// <summary>Reads creds.json and says what it holds, with the details a person needs.</summary>
    public static (CredsState State, string Detail) ReadCreds(string path)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxCredsBytes)
            {
                return (CredsState.Unreadable, $"creds.json is {SessionInspector.FormatSize(length)}; a real one is a few KB.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (CredsState.Unreadable, $"creds.json cannot be read: {ex.Message}");
        }

        var text = Encoding.UTF8.GetString(bytes).Trim();
        if (text.Length == 0)
        {
            return (CredsState.Empty, $"creds.json has {bytes.Length} byte(s) and no content.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            var cutOff = !text.EndsWith('}');
            return (CredsState.Unreadable, cutOff
                ? $"creds.json stops after {bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes in the middle of its JSON: it was cut off (line {ex.LineNumber + 1})."
                : $"creds.json ({bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes) is not valid JSON (line {ex.LineNumber + 1}).");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (CredsState.Incomplete, $"creds.json holds a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not the object of a login.");
            }

            var missing = new List<string>();
            RequireKeyPair(root, "noiseKey", missing);
            RequireKeyPair(root, "signedIdentityKey", missing);
            RequireKeyPair(root, "pairingEphemeralKeyPair", missing);
            if (!root.TryGetProperty("signedPreKey", out var signed) || signed.ValueKind != JsonValueKind.Object)
            {
                missing.Add("signedPreKey");
            }
            else
            {
                RequireKeyPair(signed, "keyPair", missing, "signedPreKey.");
                Require(signed, "signature", missing, "signedPreKey.");
            }

            Require(root, "registrationId", missing);
            Require(root, "advSecretKey", missing);
            if (missing.Count > 0)
            {
                return (CredsState.Incomplete, $"creds.json lacks {string.Join(", ", missing)}.");
            }

            var registered = root.TryGetProperty("registered", out var flag) && flag.ValueKind == JsonValueKind.True;
            var hasMe = root.TryGetProperty("me", out var me) && me.ValueKind == JsonValueKind.Object
                        && me.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0;
            return registered || hasMe
                ? (CredsState.Registered, "creds.json holds a linked login.")
                : (CredsState.NotRegistered, "creds.json holds keys but no linked phone yet.");
        }
    }

    public static string? KeyTypeOf(string fileName)
    {
        if (!fileName.EndsWith(".json", StringComparison.Ordinal) || fileName == CredsFile)
        {
            return null;
        }

        foreach (var type in KeyTypes)
        {
            if (fileName.StartsWith(type + "-", StringComparison.Ordinal) && fileName.Length > type.Length + 1 + ".json".Length)
            {
                return type;
            }
        }

        return null;
    }

    private static void RequireKeyPair(JsonElement parent, string name, List<string> missing, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var pair) || pair.ValueKind != JsonValueKind.Object)
        {
            missing.Add(prefix + name);
            return;
        }

        Require(pair, "private", missing, $"{prefix}{name}.");
        Require(pair, "public", missing, $"{prefix}{name}.");
    }

    private static void Require(JsonElement parent, string name, List<string> missing, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
            || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0))
        {
            missing.Add(prefix + name);
        }
    }
}
