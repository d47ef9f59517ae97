using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaDashboard.Core.Engines.Simulator;

/// <summary>Writes and reads a Baileys-style multi-file auth folder (useMultiFileAuthState).</summary>
public static class BaileysAuthFolder
{
    public const string CredsFile = "creds.json";

    public enum CredsState
    {
        Missing,
        Unreadable,
        NotRegistered,
        Valid,
    }

    public static void Write(string folder, string phoneDigits, string deviceId, int preKeyFiles)
    {
        Directory.CreateDirectory(folder);
        var creds = new JsonObject
        {
            ["noiseKey"] = KeyPair(),
            ["pairingEphemeralKeyPair"] = KeyPair(),
            ["signedIdentityKey"] = KeyPair(),
            ["signedPreKey"] = new JsonObject { ["keyPair"] = KeyPair(), ["signature"] = B64(64), ["keyId"] = 1 },
            ["registrationId"] = RandomNumberGenerator.GetInt32(1, 16380),
            ["advSecretKey"] = B64(32),
            ["processedHistoryMessages"] = new JsonArray(),
            ["nextPreKeyId"] = preKeyFiles + 1,
            ["firstUnuploadedPreKeyId"] = preKeyFiles + 1,
            ["accountSyncCounter"] = 0,
            ["accountSettings"] = new JsonObject { ["unarchiveChats"] = false },
            ["registered"] = true,
            ["deviceId"] = deviceId,
            ["me"] = new JsonObject { ["id"] = $"{phoneDigits}:{RandomNumberGenerator.GetInt32(1, 60)}@s.whatsapp.net", ["name"] = "Simulated phone" },
            ["platform"] = "android",
        };

        // Write creds last and atomically: a folder with creds.json is a complete login.
        for (var i = 1; i <= preKeyFiles; i++)
        {
            File.WriteAllText(Path.Combine(folder, $"pre-key-{i}.json"), new JsonObject { ["private"] = B64(32), ["public"] = B64(32) }.ToJsonString());
        }

        File.WriteAllText(Path.Combine(folder, $"session-{phoneDigits}.0.json"), new JsonObject { ["_sessions"] = new JsonObject(), ["version"] = "v1" }.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "app-state-sync-key-AAAAAPdq.json"), new JsonObject { ["keyData"] = B64(32), ["timestamp"] = "0" }.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "app-state-sync-version-regular.json"), new JsonObject { ["version"] = 1, ["hash"] = B64(128) }.ToJsonString());
        var temp = Path.Combine(folder, CredsFile + ".tmp");
        File.WriteAllText(temp, creds.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, Path.Combine(folder, CredsFile), overwrite: true);
    }

    public static (CredsState State, string? DeviceId, string Detail) Read(string folder)
    {
        var path = Path.Combine(folder, CredsFile);
        if (!File.Exists(path))
        {
            return (CredsState.Missing, null, "creds.json not found");
        }

        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            if (node is not JsonObject creds || creds["noiseKey"] is null || creds["signedIdentityKey"] is null)
            {
                return (CredsState.Unreadable, null, "creds.json lacks its keys");
            }

            var registered = creds["registered"]?.GetValue<bool>() == true && creds["me"]?["id"] is not null;
            return registered
                ? (CredsState.Valid, creds["deviceId"]?.GetValue<string>(), "creds.json valid")
                : (CredsState.NotRegistered, null, "creds.json holds no linked device");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return (CredsState.Unreadable, null, $"creds.json is not valid JSON ({ex.GetType().Name})");
        }
    }

    /// <summary>Cuts creds.json in half, as a crash in the middle of a write does.</summary>
    public static bool Truncate(string folder)
    {
        var path = Path.Combine(folder, CredsFile);
        if (!File.Exists(path))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        return true;
    }

    private static JsonObject KeyPair() => new() { ["private"] = B64(32), ["public"] = B64(32) };

    private static string B64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
}
