using System.Numerics;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace WaDashboard.Core.Storage;

/// <summary>
/// The signatures a WhatsApp login carries, checked the way libsignal checks them: XEdDSA over curve25519 keys.
/// A curve25519 (Montgomery) public key u is turned into the Ed25519 key y = (u - 1) / (u + 1) mod 2^255 - 19, its
/// sign bit taken from the top bit of the signature's last byte (which is then cleared), and the signature is checked
/// as a plain Ed25519 one. Followed: curve25519-js <c>verify</c>/<c>convertPublicKey</c> (used by libsignal-node, and so
/// by Baileys' <c>Curve.verify</c>) and whatsmeow's <c>ecc.VerifySignature</c> (go.mau.fi/libsignal).
/// Ed25519 and X25519 are BouncyCastle's (RFC 8032 / RFC 7748 code, managed, no native library to load).
/// </summary>
public static class CurveSignatures
{
    public const int KeyLength = 32;
    public const int SignatureLength = 64;

    /// <summary>libsignal's key type byte (DJB_TYPE) in front of a serialized curve25519 public key.</summary>
    public const byte DjbType = 5;

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    /// <summary>Whether <paramref name="signature"/> is an XEdDSA signature of <paramref name="message"/> by the curve25519 public key.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length == KeyLength + 1 && publicKey[0] == DjbType)
        {
            publicKey = publicKey[1..];
        }

        if (publicKey.Length != KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        var edwards = MontgomeryToEdwards(publicKey);
        edwards[31] |= (byte)(signature[63] & 0x80);
        var sig = signature.ToArray();
        sig[63] &= 0x7F;
        try
        {
            return Ed25519.Verify(sig, 0, edwards, 0, message.ToArray(), 0, message.Length);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The curve25519 public key of a private key (X25519 with the base point), 32 bytes without the type byte.</summary>
    public static byte[] PublicKeyOf(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            throw new ArgumentException($"A curve25519 private key has {KeyLength} bytes, not {privateKey.Length}.", nameof(privateKey));
        }

        var pub = new byte[KeyLength];
        X25519.GeneratePublicKey(privateKey.ToArray(), 0, pub, 0);
        return pub;
    }

    /// <summary>The key with libsignal's type byte in front (what a signed pre-key's signature covers).</summary>
    public static byte[] WithType(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == KeyLength + 1 && publicKey[0] == DjbType ? publicKey.ToArray() : [DjbType, .. publicKey];

    /// <summary>Same key, whether or not either side carries the type byte.</summary>
    public static bool SameKey(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Strip(a).SequenceEqual(Strip(b));

    private static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> key) => key.Length == KeyLength + 1 && key[0] == DjbType ? key[1..] : key;

    private static byte[] MontgomeryToEdwards(ReadOnlySpan<byte> u)
    {
        var bytes = u.ToArray();
        bytes[31] &= 0x7F; // curve25519 ignores the top bit of u
        var x = new BigInteger(bytes, isUnsigned: true, isBigEndian: false) % P;
        var inverse = BigInteger.ModPow((x + 1) % P, P - 2, P); // 0 has no inverse; like the reference code, it gives 0
        var y = ((x - 1 + P) % P) * inverse % P;
        var encoded = new byte[KeyLength];
        y.TryWriteBytes(encoded, out _, isUnsigned: true, isBigEndian: false);
        return encoded;
    }
}
