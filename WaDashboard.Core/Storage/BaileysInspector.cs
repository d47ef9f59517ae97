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
        if (info.LinkTarget is not null)
        {
            builder.Unchecked(FindingKind.LoginUnchecked, FindingEvidence.Say("Creds.Link", info.LinkTarget));
            return;
        }

        if (!info.Exists)
        {
            var keys = builder.KeyFileCounts.Values.Sum();
            builder.Broken(FindingKind.CredsMissing,
                FindingEvidence.Say("Creds.Missing", keys, string.Join(", ", builder.KeyFileCounts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value} {p.Key}")))));
            return;
        }

        var (state, detail, proofs) = ReadCreds(creds);
        if (state is CredsState.Empty or CredsState.Unreadable && builder.Context.InUse)
        {
            // useMultiFileAuthState rewrites creds.json in place (fs.writeFile truncates, then writes): an engine that
            // holds the folder may be half-way through a write. That is "could not check", not damage.
            builder.Unchecked(FindingKind.LoginUnchecked, FindingEvidence.Say("Creds.InUse", detail));
            return;
        }

        switch (state)
        {
            case CredsState.CannotRead:
                builder.Unchecked(FindingKind.LoginUnchecked, detail);
                return;
            case CredsState.Empty:
                builder.Broken(FindingKind.CredsEmpty, detail);
                return;
            case CredsState.Unreadable:
                builder.Broken(FindingKind.CredsUnreadable, detail);
                return;
            case CredsState.Incomplete:
                builder.Broken(FindingKind.CredsIncomplete, detail);
                return;
            case CredsState.NotRegistered:
                builder.Login = LoginCheck.Broken($"No login: {detail}" + (proofs is null ? "" : $" ({proofs.Name}: {string.Join(" ", proofs.Evidence)})"));
                return;
            case CredsState.Registered:
                builder.LoginPresent = true;
                if (proofs is { IsProvenBroken: true })
                {
                    builder.Broken(FindingKind.LoginProofFailed, string.Join(" ", proofs.Evidence));
                    return;
                }

                builder.Login = proofs ?? LoginCheck.Unknown("creds.json holds a linked login; its proofs could not be read.");
                return;
        }
    }

    public enum CredsState
    {
        /// <summary>The file could not be read (permissions, I/O): nothing is known about it.</summary>
        CannotRead,
        Empty,
        Unreadable,
        Incomplete,
        /// <summary>Complete keys, but no phone was linked yet (a link in progress).</summary>
        NotRegistered,
        Registered,
    }

    /// <summary>Reads creds.json and says what it holds, with the details a person needs and, for complete creds, its proofs.</summary>
    public static (CredsState State, string Detail, LoginCheck? Proofs) ReadCreds(string path)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxCredsBytes)
            {
                return (CredsState.Unreadable, FindingEvidence.Say("Creds.TooLarge", SessionInspector.FormatSize(length)), null);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (CredsState.CannotRead, FindingEvidence.Say("Creds.CannotRead", ex.Message), null);
        }

        var text = Encoding.UTF8.GetString(bytes).Trim();
        if (text.Length == 0)
        {
            return (CredsState.Empty, FindingEvidence.Say("Creds.Empty", bytes.Length), null);
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
                ? FindingEvidence.Say("Creds.CutOff", FindingEvidence.Number(bytes.Length), ex.LineNumber + 1)
                : FindingEvidence.Say("Creds.NotJson", FindingEvidence.Number(bytes.Length), ex.LineNumber + 1), null);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (CredsState.Incomplete, FindingEvidence.Say("Creds.NotObject", root.ValueKind.ToString().ToLowerInvariant()), null);
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
                return (CredsState.Incomplete, FindingEvidence.Say("Creds.Lacks", string.Join(", ", missing)), null);
            }

            var registered = root.TryGetProperty("registered", out var flag) && flag.ValueKind == JsonValueKind.True;
            var hasMe = root.TryGetProperty("me", out var me) && me.ValueKind == JsonValueKind.Object
                        && me.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0;
            var linked = registered || hasMe;
            var proofs = BaileysProofs.Check(root, linked);
            return linked
                ? (CredsState.Registered, "creds.json holds a linked login.", proofs)
                : (CredsState.NotRegistered, "creds.json holds keys but no linked phone yet.", proofs);
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
