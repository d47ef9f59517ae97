using System.Diagnostics;

namespace WaDashboard.Core.Telemetry;

/// <summary>
/// The dashboard's spans (source <see cref="SourceName"/>). Nothing is recorded unless a listener (the OpenTelemetry SDK
/// when an exporter is configured) subscribes: <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns
/// null and costs nothing then.
/// </summary>
public static class WaDashboardActivities
{
    public const string SourceName = "WaDashboard";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The trace the caller is in, carried with work handed to another loop (a supervisor's queue).</summary>
    public static ActivityContext CurrentContext => Activity.Current?.Context ?? default;

    /// <summary>A span joined to <paramref name="parent"/> (from another loop), or a root span when there is none.</summary>
    public static Activity? Start(string name, ActivityContext parent, string? accountId = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal, parent);
        activity?.SetTag("wadashboard.account_id", accountId);
        return activity;
    }

    /// <summary>A child of the current span.</summary>
    public static Activity? StartChild(string name, string? accountId = null)
    {
        var activity = Source.StartActivity(name);
        activity?.SetTag("wadashboard.account_id", accountId);
        return activity;
    }
}
