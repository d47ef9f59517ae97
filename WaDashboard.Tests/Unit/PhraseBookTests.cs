using WaDashboard.Core.Accounts;
using Xunit;

namespace WaDashboard.Tests.Unit;

public class PhraseBookTests
{
    private static readonly PhraseBook Book = new(
        ("Moved", "Moved from {0} to {1}. Link it again."),
        ("Added", "Added. Link it with a QR code or a pairing code."),
        ("Drift", "Drift: the engine no longer has this session. {0}"),
        ("Kept", "{0} item(s) left alone because their session is in use."),
        ("Any", "{0}"));

    [Theory]
    [InlineData("Moved", new[] { "gw-a", "gw-b" })]
    [InlineData("Moved", new[] { "w (1)*.?", "[x]{2}" })]
    [InlineData("Added", new string[0])]
    [InlineData("Kept", new[] { "3" })]
    [InlineData("Drift", new[] { "Moved from a to b. Link it again." })]
    public void A_sentence_reads_back_into_its_code_and_arguments(string code, string[] args)
    {
        var text = Book.Say(code, args);

        Assert.True(Book.TryRead(text, out var phrase));
        Assert.Equal(code, phrase.Code);
        Assert.Equal(args, phrase.Args);
    }

    [Fact]
    public void The_template_with_most_fixed_words_wins_over_a_catch_all()
    {
        Assert.True(Book.TryRead("Added. Link it with a QR code or a pairing code.", out var phrase));
        Assert.Equal("Added", phrase.Code);
        Assert.True(Book.TryRead("anything else", out var other));
        Assert.Equal("Any", other.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Moved from a to b.")]
    public void Text_it_did_not_write_is_not_read(string? text)
    {
        var book = new PhraseBook(("Moved", "Moved from {0} to {1}. Link it again."));
        Assert.False(book.TryRead(text, out _));
    }

    [Fact]
    public void Numbers_are_written_without_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            Assert.Equal("1.5 item(s) left alone because their session is in use.", Book.Say("Kept", 1.5));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_code_used_twice_or_a_template_that_formats_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new PhraseBook(("A", "x"), ("A", "y")));
        Assert.Throws<ArgumentException>(() => new PhraseBook(("A", "{0:0.0} s")));
    }
}
