using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.StorageJobs;

/// <summary>
/// The fleet cleanup as a background job: one run at a time, started from the Diagnostics page or the API, as a dry
/// run (what it would do and how much space it frees) or for real. Its progress is published to the open pages.
/// </summary>
public sealed class SessionCleanupJob(SessionCleanup cleanup, ISessionOwners owners, FleetEvents events, ILogger<SessionCleanupJob> logger) : BackgroundService
{
    private sealed record Request(long RunId, bool DryRun, TaskCompletionSource<CleanupReport> Done);

    private readonly Channel<Request> _requests = Channel.CreateBounded<Request>(new BoundedChannelOptions(1) { SingleReader = true });
    private CleanupProgress _progress = CleanupProgress.Idle;
    private CleanupReport? _lastReport;
    private int _busy;
    private long _runs;

    public CleanupProgress Progress => Volatile.Read(ref _progress);

    /// <summary>The last finished run (dry or not), for its report.</summary>
    public CleanupReport? LastReport => Volatile.Read(ref _lastReport);

    public bool IsRunning => Volatile.Read(ref _busy) == 1;

    /// <summary>Starts a run unless one is already under way; the task completes with its report.</summary>
    public bool TryStart(bool dryRun, out Task<CleanupReport> completion, out string message)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            completion = Task.FromException<CleanupReport>(new InvalidOperationException("A cleanup is already running."));
            var current = Progress;
            message = CleanupText.Say("Cleanup.AlreadyRunning", current.Processed, current.Total);
            return false;
        }

        var request = new Request(Interlocked.Increment(ref _runs), dryRun, new TaskCompletionSource<CleanupReport>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_requests.Writer.TryWrite(request))
        {
            Volatile.Write(ref _busy, 0);
            completion = Task.FromException<CleanupReport>(new InvalidOperationException("The dashboard is shutting down."));
            message = CleanupText.Say("Cleanup.ShuttingDown");
            return false;
        }

        Report(new CleanupProgress(request.RunId, dryRun, CleanupPhase.Planning, 0, 0, 0, 0, 0, "Waiting to start", null, null));
        completion = request.Done.Task;
        message = CleanupText.Say(dryRun ? "Cleanup.DryRunStarted" : "Cleanup.Started");
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var request in _requests.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(request, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        while (_requests.Reader.TryRead(out var left))
        {
            left.Done.TrySetCanceled();
        }
    }

    private async Task RunAsync(Request request, CancellationToken stoppingToken)
    {
        try
        {
            var report = await cleanup.RunAsync(owners, request.DryRun, request.RunId, Report, stoppingToken);
            Volatile.Write(ref _lastReport, report);
            request.Done.TrySetResult(report);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            request.Done.TrySetCanceled(stoppingToken);
            throw;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Session cleanup {RunId} failed", request.RunId);
            var last = Progress;
            Report(last with { Phase = CleanupPhase.Failed, Error = ex.Message });
            request.Done.TrySetException(ex);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
            events.Publish(new SessionStorageChanged(null));
        }
    }

    private void Report(CleanupProgress progress)
    {
        Volatile.Write(ref _progress, progress);
        events.Publish(new CleanupProgressed(progress));
    }
}
