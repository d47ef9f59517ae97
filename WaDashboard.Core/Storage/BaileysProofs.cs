using System.Text.Json;

namespace WaDashboard.Core.Storage;

/// <summary>
/// The proofs a Baileys creds.json carries, checked as Baileys and WhatsApp check them:
/// <list type="bullet">
/// <item>each key pair's public key is its private key's (X25519);</item>
/// <item><c>signedPreKey.signature</c> is <c>signedIdentityKey</c>'s XEdDSA signature over the signed pre-key's public key with
/// its type byte (0x05, 33 bytes) — <c>signedKeyPair</c> in src/Utils/crypto.ts;</item>
/// <item>once linked, <c>account.accountSignature</c> is the phone's signature (<c>account.accountSignatureKey</c>) over
/// [6,0] (hosted: [6,5]) + <c>account.details</c> + the identity public key, and <c>account.deviceSignature</c> the identity key's
/// over [6,1] (hosted: [6,6]) + details + identity public key + account signature key — <c>configureSuccessfulPairing</c> in
/// src/Utils/validate-connection.ts.</item>
/// </list>
/// Baileys writes key pairs as <c>{"type":"Buffer","data":"&lt;base64&gt;"}</c> (BufferJSON in src/Utils/generics.ts) and the
/// account's protobuf fields as base64 strings.
/// </summary>
internal static class BaileysProofs
{
    private static readonly byte[] AccountPrefix = [6, 0];
    private static readonly byte[] DevicePrefix = [6, 1];
    private static readonly byte[] HostedAccountPrefix = [6, 5];
    private static readonly byte[] HostedDevicePrefix = [6, 6];

    /// <summary>Checks the proofs of a parsed, complete creds.json.</summary>
    public static LoginCheck Check(JsonElement creds, bool linked)
    {
        var failures = new List<string>();
        var passed = new List<string>();
        if (!IsBufferObject(creds.GetProperty("signedIdentityKey").GetProperty("public")))
        {
            return LoginCheck.Unknown("The key pairs in creds.json are plain strings, not the Buffer objects Baileys writes ({\"type\":\"Buffer\",\"data\":…}), so their signatures were not checked.");
        }

        var identity = Pair(creds, "signedIdentityKey", failures, passed);
        Pair(creds, "noiseKey", failures, passed);
        var preKey = Pair(creds.GetProperty("signedPreKey"), "keyPair", failures, passed, "signedPreKey.");
        var signature = Bytes(creds.GetProperty("signedPreKey").GetProperty("signature"));
        if (identity is { } id && preKey is { } pre)
        {
            if (signature is not { Length: CurveSignatures.SignatureLength })
            {
                failures.Add($"signedPreKey.signature has {signature?.Length.ToString() ?? "no readable"} bytes, not 64");
            }
            else if (CurveSignatures.Verify(id.Public, CurveSignatures.WithType(pre.Public), signature))
            {
                passed.Add("signedPreKey.signature verifies with signedIdentityKey");
            }
            else
            {
                failures.Add("signedPreKey.signature does not verify with signedIdentityKey over the signed pre-key");
            }
        }

        if (linked && identity is { } me)
        {
            CheckAccount(creds, me.Public, failures, passed);
        }

        return failures.Count > 0
            ? LoginCheck.Broken($"creds.json fails its own proofs: {string.Join("; ", failures)}.")
            : LoginCheck.Good($"creds.json's proofs hold: {string.Join("; ", passed)}.");
    }

    private static void CheckAccount(JsonElement creds, byte[] identityPublic, List<string> failures, List<string> passed)
    {
        if (!creds.TryGetProperty("account", out var account) || account.ValueKind != JsonValueKind.Object)
        {
            passed.Add("no account signature to check (linked by pairing code before it was stored)");
            return;
        }

        var details = Bytes(Property(account, "details"));
        var accountKey = Bytes(Property(account, "accountSignatureKey"));
        var accountSignature = Bytes(Property(account, "accountSignature"));
        var deviceSignature = Bytes(Property(account, "deviceSignature"));
        if (details is null || accountKey is null || accountSignature is null)
        {
            failures.Add("account lacks details, accountSignatureKey or accountSignature");
            return;
        }

        if (AnyVerifies(accountKey, accountSignature, [AccountPrefix, HostedAccountPrefix], details, identityPublic))
        {
            passed.Add("account.accountSignature (the phone's) verifies over account.details and the identity key");
        }
        else
        {
            failures.Add("account.accountSignature does not verify with account.accountSignatureKey over account.details and signedIdentityKey");
        }

        if (deviceSignature is null)
        {
            return;
        }

        if (AnyVerifies(identityPublic, deviceSignature, [DevicePrefix, HostedDevicePrefix], details, identityPublic, accountKey))
        {
            passed.Add("account.deviceSignature verifies with signedIdentityKey");
        }
        else
        {
            failures.Add("account.deviceSignature does not verify with signedIdentityKey");
        }
    }

    internal static bool AnyVerifies(byte[] key, byte[] signature, byte[][] prefixes, params byte[][] parts) =>
        prefixes.Any(prefix => CurveSignatures.Verify(key, [.. prefix, .. parts.SelectMany(p => p)], signature));

    private sealed record KeyPair(byte[] Private, byte[] Public);

    private static KeyPair? Pair(JsonElement parent, string name, List<string> failures, List<string> passed, string prefix = "")
    {
        var pair = parent.GetProperty(name);
        var priv = Bytes(Property(pair, "private"));
        var pub = Bytes(Property(pair, "public"));
        if (priv is not { Length: CurveSignatures.KeyLength } || pub is null || pub.Length is not (32 or 33))
        {
            failures.Add($"{prefix}{name} has keys of {priv?.Length.ToString() ?? "unreadable"}/{pub?.Length.ToString() ?? "unreadable"} bytes, not 32");
            return null;
        }

        if (!CurveSignatures.SameKey(CurveSignatures.PublicKeyOf(priv), pub))
        {
            failures.Add($"{prefix}{name}.public is not the public key of {prefix}{name}.private");
            return null;
        }

        passed.Add($"{prefix}{name} is a matching key pair");
        return new KeyPair(priv, pub);
    }

    private static JsonElement Property(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    private static bool IsBufferObject(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Buffer";

    /// <summary>Bytes from a Buffer object (base64 or a number array in "data"), a base64 string, or null.</summary>
    internal static byte[]? Bytes(JsonElement value)
    {
        try
        {
            if (IsBufferObject(value) && value.TryGetProperty("data", out var data))
            {
                return data.ValueKind switch
                {
                    JsonValueKind.String => Convert.FromBase64String(data.GetString()!),
                    JsonValueKind.Array => data.EnumerateArray().Select(b => b.GetByte()).ToArray(),
                    _ => null,
                };
            }

            return value.ValueKind == JsonValueKind.String ? Convert.FromBase64String(value.GetString()!) : null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
