using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Storage;
using WaDashboard.Core.Telemetry;

namespace WaDashboard.Core.Sessions;

/// <summary>The collaborators every supervisor shares.</summary>
public sealed record SupervisorServices(
    IWhatsAppEngine Engine,
    Engines.Workers.WorkerRouter Workers,
    IAccountStore Store,
    FleetEvents Events,
    DeadlineScheduler Deadlines,
    ConnectGate Gate,
    SessionFolders Folders,
    SessionRepairs Repairs,
    TimeProvider Time,
    ReconnectOptions Reconnect,
    SupervisionOptions Supervision,
    ILogger Logger,
    Telemetry.WaDashboardMetrics? Metrics = null);

/// <summary>
/// Owns one account: a single reader over a bounded queue of commands, engine events and deadlines, so a click,
/// a timer and an engine event can never race. Each input goes through <see cref="SessionTransitions.Apply"/>;
/// the new state is committed, then published, then the effects run.
/// </summary>
public sealed partial class AccountSupervisor
{
    /// <param name="Trace">The trace of whoever sent the input (a request, a click, a webhook), continued by the loop.</param>
    private sealed record Envelope(SupervisorInput Input, TaskCompletionSource<CommandResult>? Reply, ActivityContext Trace = default);

    /// <summary>The connect gate gave this supervisor a slot for the start with this token.</summary>
    private sealed record ConnectSlotGranted(long Token) : SupervisorInput;

    private readonly Channel<Envelope> _queue;
    private readonly SupervisorServices _services;
    private readonly Task _loop;
    private AccountState _state;
    private bool _holdsConnectSlot;

    // A start waiting for a fleet-wide connect slot. The wait runs beside the loop (owned: cancelled and
    // awaited when the supervisor stops) so commands and events keep flowing while the fleet is saturated.
    private StartEngine? _pendingStart;
    private Task _slotWait = Task.CompletedTask;
    private CancellationTokenSource? _slotWaitCancel;
    private int _slotGrantedNotTaken;

    public AccountSupervisor(AccountState initial, SupervisorServices services, CancellationToken stopping)
    {
        _state = initial;
        _services = services;
        _queue = Channel.CreateBounded<Envelope>(new BoundedChannelOptions(services.Supervision.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    public AccountState State => Volatile.Read(ref _state);

    /// <summary>When the engine was last asked to start (after the connect gate let it through), with that start's token.</summary>
    public (DateTimeOffset At, long Token)? LastStart { get; private set; }

    public string AccountId => _state.Id;

    public async Task<CommandResult> SendAsync(SessionCommand command, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!await TryWriteAsync(new Envelope(command, reply, WaDashboardActivities.CurrentContext), cancellationToken))
        {
            return new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.BeingRemoved"));
        }

        return await reply.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask PostAsync(SupervisorInput input, CancellationToken cancellationToken) =>
        await TryWriteAsync(new Envelope(input, null, TraceOf(input)), cancellationToken);

    /// <summary>An engine event continues the trace it was raised in (its webhook); anything else the caller's.</summary>
    private static ActivityContext TraceOf(SupervisorInput input) =>
        input is EngineEventInput { Event.RaisedIn: var raised } && raised != default ? raised : WaDashboardActivities.CurrentContext;

    private async ValueTask<bool> TryWriteAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(envelope, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Stops taking inputs, finishes the ones queued, and returns when the loop has ended.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        // The loop outlives whatever created the supervisor (an add-account request): its spans join the trace of each
        // input's sender, never the creator's.
        Activity.Current = null;
        try
        {
            await foreach (var envelope in _queue.Reader.ReadAllAsync(CancellationToken.None))
            {
                CommandResult? result = null;
                using var activity = WaDashboardActivities.Start("supervisor " + InputName(envelope.Input), envelope.Trace, _state.Id);
                try
                {
                    result = await ProcessAsync(envelope.Input, stopping, depth: 0);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    result = new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.ShuttingDown"));
                }
                catch (Exception ex)
                {
                    _services.Logger.LogError(ex, "Supervisor of {AccountId} failed on {Input}", _state.Id, envelope.Input.GetType().Name);
                    result = new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.Failed"));
                }
                finally
                {
                    ReleaseSlotUnlessStarting();
                    envelope.Reply?.TrySetResult(result ?? new CommandResult(CommandOutcome.Done, CommandReplies.Say("Reply.Done")));
                }
            }
        }
        finally
        {
            _slotWaitCancel?.Cancel();
            try
            {
                await _slotWait;
            }
            catch (OperationCanceledException)
            {
            }

            if (_holdsConnectSlot)
            {
                _holdsConnectSlot = false;
                _services.Gate.Release();
            }

            if (Interlocked.Exchange(ref _slotGrantedNotTaken, 0) == 1)
            {
                _services.Gate.Release();
            }
        }
    }

    private async Task<CommandResult?> ProcessAsync(SupervisorInput input, CancellationToken stopping, int depth)
    {
        if (input is ConnectSlotGranted)
        {
            SupervisorInput? afterSlot = null;
            try
            {
                afterSlot = await OnSlotGrantedAsync(stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && depth < 3)
            {
                _services.Logger.LogWarning(ex, "Engine start failed for {AccountId}", _state.Id);
                ReleaseSlotUnlessStarting();
                await ProcessAsync(new EngineEventInput(new SessionDisconnected(_state.Id, _state.Generation, "engine-error", ex.Message)), stopping, depth + 1);
            }

            if (afterSlot is not null && depth < 3)
            {
                await ProcessAsync(afterSlot, stopping, depth + 1);
            }

            return null;
        }

        var services = _services;
        var now = services.Time.GetUtcNow();
        var previous = _state;
        var transition = SessionTransitions.Apply(previous, input, new TransitionContext(now, services.Reconnect, Random.Shared.NextDouble()));
        var next = transition.State;

        if (!ReferenceEquals(previous, next))
        {
            var entry = TimelineFor(previous, next, transition.Observed, now);
            if (entry is not null || PersistedFieldsDiffer(previous, next))
            {
                using (WaDashboardActivities.StartChild("database save account", next.Id))
                {
                    await (services.Metrics is { } timed
                        ? timed.TimeWriteAsync("accounts", () => services.Store.SaveAsync(next, entry, stopping))
                        : services.Store.SaveAsync(next, entry, stopping));
                }
            }

            Volatile.Write(ref _state, next);
            if (entry is not null)
            {
                LogChange(previous, next, transition.Observed);
            }

            services.Metrics?.Transitioned(previous, next, TransitionSignals.Of(previous, next, transition.Observed?.Reason, transition.Observed?.RawCode), now);
            using (WaDashboardActivities.StartChild("publish account changed", next.Id))
            {
                services.Events.Publish(new AccountChanged(next));
            }
        }

        if (input is EngineEventInput engineInput)
        {
            services.Metrics?.EngineEvent(engineInput.Event);
        }

        var result = transition.Result;
        var followUps = new List<SupervisorInput>();
        foreach (var effect in transition.Effects)
        {
            try
            {
                var (effectResult, followUp) = await ExecuteAsync(effect, now, stopping);
                result = effectResult ?? result;
                if (followUp is not null)
                {
                    followUps.Add(followUp);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && depth < 3 && effect is StartEngine)
            {
                services.Logger.LogWarning(ex, "Engine start failed for {AccountId}", next.Id);
                ReleaseSlotUnlessStarting();
                await ProcessAsync(new EngineEventInput(new SessionDisconnected(next.Id, next.Generation, "engine-error", ex.Message)), stopping, depth + 1);
            }
        }

        // What an effect found out (a folder check) is handled right away, before the next input in the queue.
        foreach (var followUp in followUps)
        {
            if (depth < 3)
            {
                await ProcessAsync(followUp, stopping, depth + 1);
            }
        }

        return result;
    }

    private static string InputName(SupervisorInput input) =>
        input is EngineEventInput engineEvent ? "engine event " + engineEvent.Event.GetType().Name : input.GetType().Name;

    private void ReleaseSlotUnlessStarting()
    {
        if (_holdsConnectSlot && _state.Status != AccountStatus.Starting)
        {
            _holdsConnectSlot = false;
            _services.Gate.Release();
        }
    }

    /// <summary>A timeline entry for a change of status, or for a disconnect that kept the status.</summary>
    internal static TimelineEntry? TimelineFor(AccountState previous, AccountState next, DisconnectObservation? observed, DateTimeOffset now)
    {
        if (next.Status == previous.Status && observed is null)
        {
            return null;
        }

        return new TimelineEntry(now, previous.Status, next.Status, observed?.Reason, observed?.RawCode, observed?.RawText, next.Note,
            next.Status == AccountStatus.Reconnecting ? next.NextAttemptAt : null);
    }

    private static bool PersistedFieldsDiffer(AccountState a, AccountState b) =>
        (a with { Qr = null, PairingCode = null, StartToken = 0, StartTimeouts = 0, RecentDisconnects = [] })
        != (b with { Qr = null, PairingCode = null, StartToken = 0, StartTimeouts = 0, RecentDisconnects = [] });

    private void LogChange(AccountState previous, AccountState next, DisconnectObservation? observed)
    {
        if (observed is not null)
        {
            TransitionLog.Disconnected(_services.Logger, next.Phone.Masked, next.Id, previous.Status, next.Status,
                observed.Reason, observed.RawCode, observed.RawText, next.Note);
        }
        else
        {
            TransitionLog.Changed(_services.Logger, next.Phone.Masked, next.Id, previous.Status, next.Status, next.Note);
        }
    }
}
