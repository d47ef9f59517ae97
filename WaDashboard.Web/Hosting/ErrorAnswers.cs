using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Web.Hosting;

/// <summary>
/// What a caller sees when a request fails: a problem-details answer that says what to fix (for a body that is not
/// valid JSON or has a value of the wrong kind: which field and what kind was expected), 503 while the database
/// cannot take writes, and otherwise only a reference to the log line. Never an exception text, a stack or a
/// request header: those stay in the log.
/// </summary>
public sealed partial class ErrorAnswers(IProblemDetailsService problems, ILogger<ErrorAnswers> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception, context.TraceIdentifier);
        if (problem.Status >= 500 && exception is not DatabaseUnavailableException)
        {
            logger.LogError(exception, "Request {Method} {Path} failed ({TraceId})", context.Request.Method, context.Request.Path.Value, context.TraceIdentifier);
        }

        context.Response.StatusCode = problem.Status ?? 500;
        if (exception is DatabaseUnavailableException)
        {
            context.Response.Headers.RetryAfter = "30";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = null });
    }

    public static ProblemDetails Describe(Exception exception, string traceId) => exception switch
    {
        DatabaseUnavailableException unavailable => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database cannot take writes",
            Detail = unavailable.Message + " Nothing was changed; try again once /healthz is healthy.",
        },
        BadHttpRequestException { InnerException: JsonException json } => new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not what this endpoint takes",
            Detail = DescribeJson(json),
        },
        BadHttpRequestException bad => new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported content type" : "Bad request",
            Detail = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "Send the body as JSON with Content-Type: application/json."
                : "The request could not be read: check the route, the query and the JSON body against the API table in the README.",
        },
        _ => new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Something went wrong",
            Detail = $"The error is in the dashboard's log under the reference {traceId}.",
        },
    };

    /// <summary>"Field 'code': expected a string." from the serializer's path and target type, without the type's .NET name.</summary>
    public static string DescribeJson(JsonException json)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? null : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var target = ConvertedTo().Match(json.Message);
        var expected = target.Success ? Kind(target.Groups[1].Value) : null;
        return (field, expected) switch
        {
            ({ } f, { } e) => $"Field '{f}': expected {e}.",
            ({ } f, null) => $"Field '{f}': the value is not valid JSON (the body may end early or have a syntax error).",
            (null, { } e) => $"The body must be {e}.",
            _ => "The body is not valid JSON (it may end early or have a syntax error).",
        };
    }

    private static string Kind(string type)
    {
        var name = type.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']');
        name = name[(name.LastIndexOf('.') + 1)..];
        return name switch
        {
            "String" or "Char" => "a string",
            "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" or "Byte" or "SByte" => "a whole number",
            "Double" or "Single" or "Decimal" => "a number",
            "Boolean" => "true or false",
            "DateTimeOffset" or "DateTime" => "a date and time such as 2026-12-03T10:40:00Z",
            "TimeSpan" => "a duration such as 00:05:00",
            "Guid" => "an id such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            _ when name.EndsWith("[]", StringComparison.Ordinal) || name.Contains("List", StringComparison.Ordinal) => "a list",
            _ when type.Contains("WaDashboard", StringComparison.Ordinal) && name.EndsWith("Kind", StringComparison.Ordinal) => "one of the documented names",
            _ => "a value of another kind (see the API table in the README)",
        };
    }

    [GeneratedRegex(@"could not be converted to ([^\s.][^\s]*?)\.(?:\s|$)")]
    private static partial Regex ConvertedTo();
}
