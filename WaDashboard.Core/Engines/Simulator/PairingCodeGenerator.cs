using System.Security.Cryptography;

namespace WaDashboard.Core.Engines.Simulator;

/// <summary>Pairing codes as WhatsApp shows them: 8 characters of the Baileys alphabet (no 0, I, O, U).</summary>
public static class PairingCodeGenerator
{
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    public static string New()
    {
        Span<char> code = stackalloc char[8];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(code);
    }
}
