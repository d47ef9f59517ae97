namespace WaDashboard.Web.Security;

public static class Roles
{
    /// <summary>Everything, including users, API keys and the audit log.</summary>
    public const string Admin = "Admin";

    /// <summary>Connect, reconnect, link, log out, send, clean up.</summary>
    public const string Operator = "Operator";

    /// <summary>Read only.</summary>
    public const string Viewer = "Viewer";

    public static readonly string[] All = [Admin, Operator, Viewer];
}

public static class Policies
{
    /// <summary>Acting on accounts: Admin or Operator.</summary>
    public const string Operate = "Operate";

    /// <summary>Users, keys, settings, audit: Admin.</summary>
    public const string Administer = "Administer";
}
