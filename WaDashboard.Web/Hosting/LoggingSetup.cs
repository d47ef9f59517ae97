using Serilog;

namespace WaDashboard.Web.Hosting;

public static class LoggingSetup
{
    /// <summary>Serilog from the "Serilog" section: console and a rolling file, structured properties per account.</summary>
    public static WebApplicationBuilder AddWaDashboardLogging(this WebApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
        return builder;
    }
}
