using WaDashboard.Core.Audit;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Web.Security;

/// <summary>
/// Writes an audit entry for every call of the endpoints it is attached to: who, the route, the account named by
/// {phone} (when it resolves) and the answer's status.
/// </summary>
public sealed class AuditedOperation(AuditLog audit, Fleet fleet) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var phone = http.GetRouteValue("phone")?.ToString();
        var accountId = phone is null ? null : fleet.Find(Uri.UnescapeDataString(phone))?.Id;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        await audit.RecordAsync(OperatorActions.Actor(http.User), $"{http.Request.Method} {route}", accountId, AuditNotes.Say("Audit.Answered", status), http.RequestAborted);
        return result;
    }
}
