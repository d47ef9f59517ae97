using WaDashboard.Core.Accounts;

namespace WaDashboard.Tests.Unit;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+972501234567", "+972501234567")]
    [InlineData("+972 50-123-4567", "+972501234567")]
    [InlineData(" +1 (415) 555.2671 ", "+14155552671")]
    [InlineData("+49 30 1234567", "+49301234567")]
    [InlineData("+12345678", "+12345678")]
    [InlineData("+123456789012345", "+123456789012345")]
    public void Accepts_and_normalizes_e164(string input, string expected)
    {
        Assert.True(PhoneNumber.TryParse(input, out var phone, out var error), error);
        Assert.Equal(expected, phone.Value);
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("0501234567", "does not start with '+'")]
    [InlineData("972501234567", "does not start with '+'")]
    [InlineData("+1234567", "has 7 digits")]
    [InlineData("+1234567890123456", "has 16 digits")]
    [InlineData("+97250abc4567", "contains 'a'")]
    [InlineData("++972501234567", "contains '+'")]
    [InlineData("+0972501234567", "starting with 0")]
    [InlineData("+972/../501234567", "contains '/'")]
    public void Refuses_anything_else_with_a_message_that_says_how_to_fix_it(string? input, string expected)
    {
        Assert.False(PhoneNumber.TryParse(input, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains("E.164", error);
    }

    [Fact]
    public void Masked_form_hides_the_middle_digits()
    {
        var phone = PhoneNumber.Parse("+972501234567");
        Assert.Equal("+9725******67", phone.Masked);
        Assert.DoesNotContain("501234", phone.Masked);
    }

    [Fact]
    public void Generated_account_ids_are_valid_and_distinct_and_hostile_ids_are_not()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => AccountId.New()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.True(AccountId.IsValid(id)));
        foreach (var hostile in new[] { "..", "../etc/passwd", "/abs", "0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0", "0123456789abcde\0", "0123456789abcd/f" })
        {
            Assert.False(AccountId.IsValid(hostile));
        }
    }
}
