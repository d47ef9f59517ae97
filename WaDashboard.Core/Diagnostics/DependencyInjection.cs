using Microsoft.Extensions.DependencyInjection;

namespace WaDashboard.Core.Diagnostics;

public static class DiagnosticsServiceCollectionExtensions
{
    /// <summary>Storage diagnostics: inspections of the session folders with the fleet's view of each account.</summary>
    public static IServiceCollection AddDiagnostics(this IServiceCollection services)
    {
        services.AddSingleton<StorageDiagnostics>();
        return services;
    }
}
