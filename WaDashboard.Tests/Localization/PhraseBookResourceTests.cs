using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Storage;
using WaDashboard.Web.Localization;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Every sentence Core writes through a phrase book said in Evidence.resx has a resource in English, Hebrew, Arabic and
/// Indonesian under its code, with the same placeholders as the English template (and the English resource is the
/// template itself); the books share the file, so no code is used by two of them. Identity's messages: every error the
/// describer can give has its own translation.
/// </summary>
public sealed partial class PhraseBookResourceTests
{
    public static readonly IReadOnlyDictionary<string, PhraseBook> Books = new Dictionary<string, PhraseBook>
    {
        [nameof(FindingEvidence)] = FindingEvidence.Book,
        [nameof(CleanupText)] = CleanupText.Book,
        [nameof(RepairAnswers)] = RepairAnswers.Book,
        [nameof(DiagnosisAnswers)] = DiagnosisAnswers.Book,
        [nameof(GatewayText)] = GatewayText.Book,
        [nameof(DatabaseText)] = DatabaseText.Book,
    };

    public static TheoryData<string, string> BooksAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var book in Books.Keys)
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
    public void Every_phrase_has_its_resource_with_the_templates_placeholders(string name, string language)
    {
        var book = Books[name];
        var culture = language == "en" ? CultureInfo.InvariantCulture : CultureInfo.GetCultureInfo(language);
        var resources = ResourceTests.Read("Evidence", culture);

        Assert.Empty(book.Codes.Where(c => !resources.ContainsKey(c)).Select(c => $"{name}.{c} has no resource in {language}"));
        Assert.Empty(book.Codes.Where(c => !Placeholders(book.Template(c)).SetEquals(Placeholders(resources[c])))
            .Select(c => $"{name}.{c} in {language}: {resources[c]}"));
        if (language == "en")
        {
            Assert.Empty(book.Codes.Where(c => resources[c] != book.Template(c)).Select(c => $"{name}.{c}: the resource is not the template"));
        }
    }

    [Fact]
    public void No_code_is_used_by_two_books_and_no_resource_is_left_over()
    {
        var owners = Books.SelectMany(b => b.Value.Codes.Select(c => (Code: c, Book: b.Key))).GroupBy(x => x.Code).Where(g => g.Count() > 1);
        Assert.Empty(owners.Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Book))}"));

        var codes = Books.Values.SelectMany(b => b.Codes).ToHashSet();
        Assert.DoesNotContain(ResourceTests.Read("Evidence", CultureInfo.InvariantCulture).Keys, k => !codes.Contains(k));
    }

    [Fact]
    public void Every_Identity_error_is_described_by_the_localized_describer()
    {
        var described = typeof(IdentityErrorDescriber).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.IsVirtual && m.ReturnType == typeof(IdentityError)).Select(m => m.Name).ToList();
        var overridden = typeof(LocalizedIdentityErrors).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Select(m => m.Name).ToHashSet();
        var resources = ResourceTests.Read("IdentityErrors", CultureInfo.InvariantCulture);

        Assert.NotEmpty(described);
        Assert.Empty(described.Where(m => !overridden.Contains(m)).Select(m => $"{m} is not localized"));
        Assert.Empty(described.Where(m => !resources.ContainsKey($"Identity.{m}")).Select(m => $"Identity.{m} has no resource"));
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
