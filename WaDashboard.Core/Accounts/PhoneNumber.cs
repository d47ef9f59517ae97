using System.Diagnostics.CodeAnalysis;

namespace WaDashboard.Core.Accounts;

/// <summary>A phone number in E.164 form: '+' followed by 8 to 15 digits.</summary>
public readonly record struct PhoneNumber
{
    public const string FormatHelp =
        "Enter the number in international E.164 form: '+', the country code, then the number (8 to 15 digits in all), e.g. +972501234567.";

    private PhoneNumber(string value) => Value = value;

    public string Value { get; }

    /// <summary>The digits without '+', as WhatsApp uses them in JIDs.</summary>
    public string Digits => Value[1..];

    /// <summary>For logs: keeps the country-code start and the last two digits, e.g. +9725******67.</summary>
    public string Masked => Value.Length <= 7 ? "+***" : Value[..5] + new string('*', Value.Length - 7) + Value[^2..];

    public override string ToString() => Value;

    /// <summary>Normalizes spaces, dashes, dots and parentheses away and validates E.164.</summary>
    public static bool TryParse(string? input, out PhoneNumber phone, [NotNullWhen(false)] out string? error)
    {
        phone = default;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "A phone number is required. " + FormatHelp;
            return false;
        }

        Span<char> buffer = stackalloc char[Math.Min(input.Length, 64)];
        var length = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c is ' ' or '-' or '.' or '(' or ')' or '\t')
            {
                continue;
            }

            var isPlus = c == '+' && length == 0;
            if (!isPlus && !char.IsAsciiDigit(c))
            {
                error = $"'{input.Trim()}' contains '{c}', which is not allowed in a phone number. " + FormatHelp;
                return false;
            }

            if (length == buffer.Length)
            {
                error = "The phone number is too long. " + FormatHelp;
                return false;
            }

            buffer[length++] = c;
        }

        if (length == 0 || buffer[0] != '+')
        {
            error = $"'{input.Trim()}' does not start with '+' and a country code. " + FormatHelp;
            return false;
        }

        var digits = length - 1;
        if (digits < 8 || digits > 15)
        {
            error = $"'{input.Trim()}' has {digits} digits; E.164 numbers have 8 to 15. " + FormatHelp;
            return false;
        }

        if (buffer[1] == '0')
        {
            error = $"'{input.Trim()}' has a country code starting with 0, which no country has. " + FormatHelp;
            return false;
        }

        phone = new PhoneNumber(new string(buffer[..length]));
        error = null;
        return true;
    }

    public static PhoneNumber Parse(string input) =>
        TryParse(input, out var phone, out var error) ? phone : throw new FormatException(error);
}
