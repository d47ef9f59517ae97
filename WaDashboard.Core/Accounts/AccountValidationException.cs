namespace WaDashboard.Core.Accounts;

/// <summary>Input a person can fix; the message says how.</summary>
public sealed class AccountValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
