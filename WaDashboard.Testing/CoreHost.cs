using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using WaDashboard.Core;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Testing;

/// <summary>
/// The real Core (supervisors, engine, SQLite file, every hosted service) in a generic host inside the caller's
/// process, configured like the app (the app's defaults, plus the caller's settings).
/// </summary>
public sealed class CoreHost : IAsyncDisposable
{
    private readonly IHost _host;

    private CoreHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public Fleet Fleet => Services.GetRequiredService<Fleet>();

    public FleetEvents Events => Services.GetRequiredService<FleetEvents>();

    public ConnectGate Gate => Services.GetRequiredService<ConnectGate>();

    /// <param name="settings">Configuration over the product's defaults, e.g. "Reconnect:LoopMaxDisconnects".</param>
    /// <param name="time">The clock; null for the real one.</param>
    /// <param name="logFile">A log file written as the app's file log does; null for no logging.</param>
    /// <param name="replace">Swaps services after the Core registered them (an engine, a store wrapper).</param>
    public static CoreHost Build(
        string dataDirectory,
        IReadOnlyDictionary<string, string?> settings,
        TimeProvider? time = null,
        string? logFile = null,
        Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var config = new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings)
        {
            config[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (logFile is not null)
        {
            // The app's file sink and levels (appsettings.json: Information, Microsoft and EF Core at Warning).
            var serilog = new LoggerConfiguration()
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("System", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .WriteTo.File(logFile, outputTemplate: "{Timestamp:o} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}")
                .CreateLogger();
            builder.Logging.AddProvider(new SerilogLoggerProvider(serilog, dispose: true));
        }

        builder.Services.AddWaDashboardCore(builder.Configuration);
        if (time is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(time));
        }

        replace?.Invoke(builder.Services);
        return new CoreHost(builder.Build());
    }

    public Task StartAsync(CancellationToken cancellationToken) => _host.StartAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _host.StopAsync(patience.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
