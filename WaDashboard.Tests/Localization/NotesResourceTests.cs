using System.Globalization;
using System.Text.RegularExpressions;
using WaDashboard.Tests.Unit;
using WaDashboard.Web.Localization;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Every sentence a phrase book of Core writes has its resource in Notes, in English, Hebrew, Arabic and Indonesian, with the
/// placeholders of its English template; the English resource is the template itself, so the console in English says
/// exactly what the API and the log say.
/// </summary>
public sealed partial class NotesResourceTests
{
    public static TheoryData<string, string> BooksAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var book in PhraseBooksTests.All.Keys)
        {
            foreach (var language in Languages.All)
            {
                data.Add(book, language.Code);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BooksAndLanguages))]
    public void Every_code_of_the_book_has_its_resource_with_the_templates_placeholders(string name, string language)
    {
        var book = PhraseBooksTests.All[name];
        var english = language == Languages.All[0].Code;
        var resources = ResourceTests.Read("Notes", english ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language));
        var problems = new List<string>();
        foreach (var code in book.Codes)
        {
            if (!resources.TryGetValue(code, out var text))
            {
                problems.Add($"{code}: no resource");
            }
            else if (!Placeholders(text).SetEquals(Placeholders(book.Template(code))))
            {
                problems.Add($"{code}: {text} has other placeholders than {book.Template(code)}");
            }
            else if (english && text != book.Template(code))
            {
                problems.Add($"{code}: the English resource \"{text}\" is not the template \"{book.Template(code)}\"");
            }
        }

        Assert.Empty(problems);
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
