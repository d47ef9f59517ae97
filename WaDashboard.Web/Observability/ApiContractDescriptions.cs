using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace WaDashboard.Web.Observability;

/// <summary>
/// Puts the answers of <see cref="ApiContract"/> on the API descriptions the OpenAPI document is generated from, after
/// ASP.NET Core has described the endpoints from their handlers (parameters, bodies): the document's schemas come from
/// the same types the handlers serialize.
/// </summary>
public sealed class ApiContractDescriptions : IApiDescriptionProvider
{
    /// <summary>After the minimal API provider (-1100).</summary>
    public int Order => 0;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            if (description.HttpMethod is not { } method || description.RelativePath is not { } route
                || !ApiContract.Answers.TryGetValue(ApiContract.Key(method, route), out var answers))
            {
                continue;
            }

            var hasBody = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Body);
            var all = answers.Concat(ApiContract.Common(route, description.ActionDescriptor.EndpointMetadata.ToList(), hasBody));
            description.SupportedResponseTypes.Clear();
            foreach (var status in all.GroupBy(a => a.Status).OrderBy(g => g.Key))
            {
                // Of several bodies under one content type, the richest (a validation problem is also a problem).
                var byContentType = status.GroupBy(a => a.ContentType)
                    .Select(g => g.FirstOrDefault(a => a.Body == typeof(HttpValidationProblemDetails)) ?? g.First())
                    .ToList();
                var response = new ApiResponseType
                {
                    StatusCode = status.Key,
                    Type = byContentType[0].Body ?? typeof(void),
                    IsDefaultResponse = false,
                };
                if (byContentType[0].Body is not null)
                {
                    foreach (var answer in byContentType)
                    {
                        response.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = answer.ContentType });
                    }
                }

                description.SupportedResponseTypes.Add(response);
            }
        }
    }
}
