using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using WaDashboard.Web.Api;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Observability;

/// <summary>
/// The REST API's OpenAPI document (ASP.NET Core's generator) at <see cref="DocumentPath"/> and the Scalar reference at
/// <see cref="ReferencePath"/>, both for signed-in users and API keys only (the fallback policy).
/// </summary>
public static class ApiDocument
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieScheme = "Cookie";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, ApiContractDescriptions>());
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "WaDashboard API",
                    Version = DocumentName,
                    Description = "Supervise a fleet of WhatsApp Web accounts: their state and the reason of every disconnect, reconnects, " +
                        "links with a QR or pairing code, the outbox, session storage and gateway servers. Send an API key in X-Api-Key " +
                        "(an admin creates keys under Admin → API keys), or call from a signed-in browser. `{phone}` is E.164 " +
                        "(+972501234567) or an account id. Errors are problem details (RFC 9457) with a message a person can act on.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.Header,
                    Description = "An API key; its role (Admin, Operator, Viewer) is the caller's role.",
                };
                document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = "WaDashboard.Auth",
                    Description = "The sign-in cookie of the console.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Either credential, except on the endpoints that authenticate otherwise (a webhook's signature).
                if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
                    ];
                }

                foreach (var response in operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
                {
                    if (response.Content?.TryGetValue("image/png", out var png) == true && png is OpenApiMediaType media)
                    {
                        media.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                    }
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (ApiExamples.For(context.JsonTypeInfo.Type, context.ApplicationServices) is { } example)
                {
                    schema.Examples = [example];
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static void MapApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath).RequireAuthorization();
        app.MapScalarApiReference(ReferencePath, options => options
                .WithTitle("WaDashboard API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .AddPreferredSecuritySchemes(ApiKeyScheme))
            .RequireAuthorization();
    }

    /// <summary>
    /// The reference page runs Scalar's inline start-up script; the console's policy allows scripts from the app only, so
    /// this page alone also allows inline scripts. Everything else it loads comes from the app.
    /// </summary>
    public static IApplicationBuilder UseReferencePagePolicy(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(ReferencePath))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.ContentSecurityPolicy =
                    SecurityHeaders.ContentSecurityPolicy.Replace("script-src 'self'", "script-src 'self' 'unsafe-inline'", StringComparison.Ordinal);
                return Task.CompletedTask;
            });
        }

        await next(context);
    });
}
