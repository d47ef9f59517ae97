using Microsoft.Extensions.Localization;
using WaDashboard.Core.Accounts;

namespace WaDashboard.Web.Localization;

/// <summary>
/// A sentence from Core in the person's language. <see cref="Translated"/> is false when the sentence is not one the
/// book knows (or has no resource): then <see cref="Text"/> is Core's English, to be shown set apart with <c>lang="en"</c>.
/// </summary>
public readonly record struct Said(string Text, bool Translated);

public static class PhraseText
{
    /// <summary>
    /// Reads <paramref name="english"/> back into its phrase with <paramref name="book"/> and says it with the resource
    /// named by the phrase's code. Each argument that is itself a sentence of the book is said in turn; any other
    /// argument is data and is isolated so that left-to-right ids and numbers keep their order in right-to-left text.
    /// </summary>
    public static Said Say(this IStringLocalizer words, PhraseBook book, string? english)
    {
        if (string.IsNullOrEmpty(english))
        {
            return new Said("", true);
        }

        if (!book.TryRead(english, out var phrase) || words[phrase.Code] is { ResourceNotFound: true })
        {
            return new Said(english, false);
        }

        var args = phrase.Args.Select(arg => arg.Length > 0 && words.Say(book, arg) is { Translated: true } inner
            ? inner.Text
            : Bidi.Isolate(arg)).ToArray<object>();
        return new Said(words[phrase.Code, args], true);
    }
}
