using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Serilog (Serilog.AspNetCore) from the "Serilog" section (levels, console) plus, when "LogFiles:Enabled", a daily
    /// rolling file of JSON lines under {Storage:DataDirectory}/logs. Built from the final configuration when the host
    /// starts, so every override (environment, command line, tests) applies. Every logged value is escaped
    /// (<see cref="LogValueEscaper"/>), so no caller-controlled text can forge a line; the file is JSON, one event a line.
    /// Both sinks write numbers and dates without culture whatever the logging thread's culture (a circuit in Arabic
    /// writes no Arabic decimal marks or Hijri dates): neither is given a format provider, so the console renders with
    /// the invariant culture, and RenderedCompactJsonFormatter always does. Pinned by InvariantLogTests.
    /// </summary>
    public static WebApplicationBuilder AddWaDashboardLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => Configure(logger, services.GetRequiredService<IConfiguration>(), services));
        return builder;
    }

    /// <summary>One line per request (method, path, status, time, caller); failures and writes at Information or above, the rest at Debug.</summary>
    public static WebApplication UseWaDashboardRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.GetLevel = RequestLevel;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                diagnostics.Set("ClientIp", context.Connection.RemoteIpAddress?.ToString());
                if (context.User.Identity is { IsAuthenticated: true, Name: { } user })
                {
                    diagnostics.Set("User", user);
                }
            };
        });
        return app;
    }

    /// <summary>
    /// Server errors are errors; API writes that succeeded are worth a line; everything else (pages, assets, health
    /// polls, refused credentials — which the throttle already counts) stays at Debug, so a caller cannot flood the log.
    /// </summary>
    public static LogEventLevel RequestLevel(HttpContext context, double elapsedMs, Exception? error) =>
        error is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
        : context.Response.StatusCode < 400 && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && context.Request.Path.StartsWithSegments("/api") ? LogEventLevel.Information
        : LogEventLevel.Debug;

    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider? services = null)
    {
        logger.ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.With<LogValueEscaper>();
        if (services is not null)
        {
            logger.ReadFrom.Services(services);
        }

        var files = configuration.GetSection("LogFiles");
        if (files.GetValue("Enabled", true))
        {
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            logger.WriteTo.File(
                new RenderedCompactJsonFormatter(),
                Path.Combine(storage.ResolveDataDirectory(), "logs", "wadashboard-.json"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: files.GetValue("RetainedFiles", 14));
        }

        return logger;
    }
}
