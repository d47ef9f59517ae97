using System.Globalization;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.StorageJobs;
using WaDashboard.Core;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Hosting;

/// <summary>
/// <c>WaDashboard.Web --cleanup-sessions [--dry-run]</c>: one cleanup pass over the session folders with the usual
/// configuration, then exit — for cron jobs and for machines where the dashboard is stopped. It takes the session root
/// lock, so it refuses to run while a dashboard uses the same folders (use the Diagnostics page then). One line per
/// item on standard output. Exit codes: 0 done, 1 some items failed, 2 invalid settings, 3 the folders are in use.
/// </summary>
public static class CleanupCommand
{
    public const string Switch = "--cleanup-sessions";
    public const string DryRunSwitch = "--dry-run";

    public static bool IsRequested(string[] args) => args.Contains(Switch, StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var dryRun = args.Contains(DryRunSwitch, StringComparer.Ordinal);
        // The switches take no value; left in, the command-line configuration would read the next argument as theirs.
        var settings = args.Where(a => a is not (Switch or DryRunSwitch)).ToArray();
        var builder = Host.CreateApplicationBuilder(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSessionStorage(builder.Configuration);
        builder.Services.AddPersistence(builder.Configuration);
        builder.Services.AddSingleton<ISessionOwners, StoredSessionOwners>();

        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (SessionRootLockedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 3;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("Invalid settings: " + string.Join(" ", ex.Failures));
            return 2;
        }

        var services = host.Services;
        var retention = services.GetRequiredService<IOptions<SessionStorageOptions>>().Value.QuarantineRetention;
        var root = services.GetRequiredService<SessionFolders>().Root;
        Console.WriteLine($"cleanup: {(dryRun ? "dry run" : "run")} over {root}");
        var report = await services.GetRequiredService<SessionCleanup>().RunAsync(services.GetRequiredService<ISessionOwners>(), dryRun, 1, progress =>
        {
            if (progress.Phase == CleanupPhase.Running && progress.Current is { } current)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {progress.Processed}/{progress.Total} {current}"));
            }
        }, CancellationToken.None);

        foreach (var item in report.Plan.Items)
        {
            var result = report.Results.FirstOrDefault(r => r.Item == item);
            var outcome = dryRun ? (item.KeptBecause is null ? "would" : "keep") : result?.Outcome.ToString().ToLowerInvariant() ?? "?";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcome} {item.Kind} {item.Path} {item.Bytes} bytes: {item.Description}{(item.KeptBecause is { } why ? $" (left alone: {why})" : "")}"));
        }

        Console.WriteLine("done: " + report.Summary(retention));
        await host.StopAsync();
        return report.Failed > 0 ? 1 : 0;
    }
}
