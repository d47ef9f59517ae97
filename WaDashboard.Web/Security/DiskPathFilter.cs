using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Security;

/// <summary>
/// Where the data lives on the server's disk is for admins: for every other role, absolute paths in an answer of the
/// session-storage API become relative to the session root ("sessions/…") or the data directory ("data/…").
/// </summary>
public sealed class DiskPathFilter(IOptions<StorageOptions> storage, IOptions<JsonOptions> json) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        if (context.HttpContext.User.IsInRole(Roles.Admin) || result is not IValueHttpResult { Value: { } value })
        {
            return result;
        }

        var roots = new[] { (storage.Value.ResolveSessionsRoot(), "sessions"), (storage.Value.ResolveDataDirectory(), "data") }
            .Select(r => (Root: Path.TrimEndingDirectorySeparator(r.Item1), r.Item2))
            .OrderByDescending(r => r.Root.Length)
            .ToArray();
        var node = JsonSerializer.SerializeToNode(value, value.GetType(), json.Value.SerializerOptions);
        return Results.Json(Relativise(node, roots), json.Value.SerializerOptions,
            statusCode: result is IStatusCodeHttpResult { StatusCode: { } status } ? status : null);
    }

    private static JsonNode? Relativise(JsonNode? node, (string Root, string Name)[] roots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    obj[key] = Relativise(child?.DeepClone(), roots);
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    array[i] = Relativise(array[i]?.DeepClone(), roots);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                foreach (var (root, name) in roots)
                {
                    if (text.Contains(root, StringComparison.Ordinal))
                    {
                        return JsonValue.Create(text.Replace(root, name, StringComparison.Ordinal));
                    }
                }

                return value;
            default:
                return node;
        }
    }
}
