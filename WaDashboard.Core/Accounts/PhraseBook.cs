using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace WaDashboard.Core.Accounts;

/// <summary>A sentence Core says to people, as the stable code of its template and the arguments put into it.</summary>
public sealed record Phrase(string Code, IReadOnlyList<string> Args);

/// <summary>
/// The English sentences one feature says to people (timeline notes, finding evidence, refusals), each under a stable
/// code with <c>{0}</c>, <c>{1}</c>… for its arguments. Core writes them in English: the REST API, the logs and the
/// database keep English. The console reads a sentence back into its code and arguments and says it in the person's
/// language; because reading works on the text, rows written before a translation existed are translated too.
/// Arguments are data (ids, worker names, numbers already formatted): they go in as they are and come back as they went.
/// </summary>
public sealed partial class PhraseBook
{
    private readonly Dictionary<string, string> _templates = new(StringComparer.Ordinal);
    private readonly List<(string Code, Regex Pattern, int Literal, int Arguments)> _patterns = [];

    public PhraseBook(params (string Code, string Template)[] entries)
    {
        foreach (var (code, template) in entries)
        {
            if (!_templates.TryAdd(code, template))
            {
                throw new ArgumentException($"The phrase code '{code}' is used twice.", nameof(entries));
            }

            if (FormatSpecifier().IsMatch(template))
            {
                throw new ArgumentException($"The phrase '{code}' formats an argument itself; pass the argument formatted instead.", nameof(entries));
            }

            var literal = Placeholder().Replace(template, "").Length;
            var arguments = Placeholder().Matches(template).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max();
            var pattern = "^" + Placeholder().Replace(Regex.Escape(template).Replace(@"\{", "{", StringComparison.Ordinal), m => $"(?<a{m.Groups[1].Value}>.*?)") + "$";
            _patterns.Add((code, new Regex(pattern, RegexOptions.Singleline | RegexOptions.CultureInvariant), literal, arguments));
        }

        // The sentence with the most fixed words wins when two templates could read the same text.
        _patterns.Sort((a, b) => b.Literal.CompareTo(a.Literal));
    }

    public IReadOnlyCollection<string> Codes => _templates.Keys;

    /// <summary>The English template of <paramref name="code"/>.</summary>
    public string Template(string code) => _templates[code];

    /// <summary>The English sentence for <paramref name="code"/> with its arguments (formatted without culture).</summary>
    public string Say(string code, params object?[] args) => string.Format(CultureInfo.InvariantCulture, _templates[code], args);

    /// <summary>The code and arguments of an English sentence this book wrote; false for any other text.</summary>
    public bool TryRead(string? text, [NotNullWhen(true)] out Phrase? phrase)
    {
        phrase = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var (code, pattern, _, count) in _patterns)
        {
            var match = pattern.Match(text);
            if (!match.Success)
            {
                continue;
            }

            var args = new string[count];
            for (var i = 0; i < count; i++)
            {
                args[i] = match.Groups[$"a{i}"].Value;
            }

            phrase = new Phrase(code, args);
            return true;
        }

        return false;
    }

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\{\d+[:,][^}]*\}")]
    private static partial Regex FormatSpecifier();
}
