namespace WaDashboard.Web.Resources;

/// <summary>ASP.NET Identity's validation messages, one per Identity error code (IdentityErrors.resx and its he/ar/id siblings).</summary>
public sealed class IdentityErrors;
