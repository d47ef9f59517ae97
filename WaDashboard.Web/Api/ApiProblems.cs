using WaDashboard.Core.Accounts;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Api;

/// <summary>Turns the {phone} route value (E.164 or an account id) into an account, or a problem a person can act on.</summary>
internal static class AccountRoute
{
    public static bool TryResolve(Fleet fleet, string phoneOrId, out AccountState account, out IResult problem)
    {
        account = null!;
        problem = null!;
        var value = Uri.UnescapeDataString(phoneOrId).Trim();
        if (AccountId.IsValid(value))
        {
            if (fleet.Get(value) is { } byId)
            {
                account = byId;
                return true;
            }

            problem = Problem(StatusCodes.Status404NotFound, "Unknown account",
                $"No account has the id {value}. List accounts with GET /api/accounts.");
            return false;
        }

        if (!PhoneNumber.TryParse(value, out var phone, out var error))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Malformed phone number", error);
            return false;
        }

        if (fleet.Find(phone.Value) is not { } found)
        {
            problem = Problem(StatusCodes.Status404NotFound, "Unknown account",
                $"No account has the phone number {phone.Value}. List accounts with GET /api/accounts, or add it with POST /api/accounts.");
            return false;
        }

        account = found;
        return true;
    }

    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
