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
        var problem = Describe(exception, context.TraceIdentifier,
            // The exception handler clears the endpoint before handlers run; the feature keeps the one that failed.
            (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint())?.Metadata
                .GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType);
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

    public static ProblemDetails Describe(Exception exception, string traceId, Type? bodyType = null) => exception switch
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
            Detail = DescribeJson(json, bodyType),
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

    /// <summary>
    /// "Field 'code': expected a string." from the serializer's path and the type of that field in the endpoint's body
    /// (the serializer's own message names a .NET type, which is not for callers).
    /// </summary>
    public static string DescribeJson(JsonException json, Type? bodyType)
    {
        var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? null : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var converting = ConvertedTo().IsMatch(json.Message);
        var expected = converting && field is not null && FieldType(bodyType, field) is { } type ? Kind(type) : null;
        return (field, converting, expected) switch
        {
            ({ } f, _, { } e) => $"Field '{f}': expected {e}.",
            ({ } f, true, null) => $"Field '{f}': the value has the wrong type (see the API table in the README).",
            ({ } f, false, _) => $"Field '{f}': the value is not valid JSON (the body may end early or have a syntax error).",
            _ => "The body is not valid JSON (it may end early or have a syntax error).",
        };
    }

    /// <summary>The declared type at a JSON path such as "fault.code" or "items[0].kind", matched as the web serializer does (case-insensitive, JsonPropertyName).</summary>
    private static Type? FieldType(Type? type, string path)
    {
        foreach (var segment in path.Split('.'))
        {
            if (type is null)
            {
                return null;
            }

            var name = segment.Split('[')[0].Trim('\'', '[', ']');
            var property = type.GetProperties().FirstOrDefault(p =>
                string.Equals(p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), true)
                    .OfType<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name ?? p.Name, name, StringComparison.OrdinalIgnoreCase));
            type = property?.PropertyType;
            if (type is not null && segment.Contains('[', StringComparison.Ordinal))
            {
                type = type.IsArray ? type.GetElementType() : type.GetGenericArguments().FirstOrDefault();
            }
        }

        return type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
    }

    private static string Kind(Type type) => type switch
    {
        _ when type == typeof(string) || type == typeof(char) => "a string",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(uint) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time such as 2026-12-03T10:40:00Z",
        _ when type == typeof(TimeSpan) => "a duration such as 00:05:00",
        _ when type == typeof(Guid) => "an id such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"'{n}'")),
        _ when type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) => "a list",
        _ => "an object",
    };

    [GeneratedRegex("could not be converted to")]
    private static partial Regex ConvertedTo();
}
