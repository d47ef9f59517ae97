using Serilog;
using Serilog.Extensions.Logging;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog from the "Serilog" section (levels, console) plus a daily rolling file under
    /// {Storage:DataDirectory}/logs when "LogFiles:Enabled". The logger is built from the final configuration
    /// when the host starts, so every override (environment, command line, tests) applies to it.
    /// </summary>
    public static WebApplicationBuilder AddWaDashboardLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new SerilogLoggerProvider(CreateLogger(services.GetRequiredService<IConfiguration>()), dispose: true));
        return builder;
    }

    private static Serilog.Core.Logger CreateLogger(IConfiguration configuration)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext();

        var files = configuration.GetSection("LogFiles");
        if (files.GetValue("Enabled", true))
        {
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            logger = logger.WriteTo.File(
                Path.Combine(storage.ResolveDataDirectory(), "logs", "wadashboard-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: files.GetValue("RetainedFiles", 14),
                outputTemplate: "{Timestamp:o} [{Level:u3}] {SourceContext}: {Message:lj} {Properties:j}{NewLine}{Exception}");
        }

        return logger.CreateLogger();
    }
}
