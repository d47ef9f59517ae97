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

/// <summary>Carrying out what a transition decided: the engine calls, the session folder, alerts, deadlines.</summary>
public sealed partial class AccountSupervisor
{
    /// <summary>Carries out one effect; returns what should answer the command (a repair's outcome) and an input to process next, if any.</summary>
    private async Task<(CommandResult? Result, SupervisorInput? FollowUp)> ExecuteAsync(SessionEffect effect, DateTimeOffset now, CancellationToken stopping)
    {
        var s = _services;
        var id = _state.Id;
        using var activity = WaDashboardActivities.StartChild("effect " + effect.GetType().Name, id);
        switch (effect)
        {
            case StartEngine start:
                if (_holdsConnectSlot || s.Gate.TryAcquire())
                {
                    _holdsConnectSlot = true;
                    return (null, await IssueStartAsync(start, stopping));
                }
                else
                {
                    // Queue behind the fleet-wide cap; the latest start wins if several pile up.
                    var waiting = _pendingStart is not null;
                    _pendingStart = start;
                    if (!waiting)
                    {
                        _slotWaitCancel ??= CancellationTokenSource.CreateLinkedTokenSource(stopping);
                        _slotWait = WaitForSlotAsync(start.StartToken, _slotWaitCancel.Token);
                    }
                }

                return (null, null);
            case StopEngine:
                await s.Engine.StopSessionAsync(id, stopping);
                break;
            case RemoveSessionFromWorker remove:
                try
                {
                    await s.Workers.RemoveSessionAsync(remove.WorkerId, id, stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The move stands; the old server keeps a session nobody uses until someone removes it there.
                    s.Logger.LogWarning(ex, "Could not remove the session of {AccountId} from {WorkerId}", id, remove.WorkerId);
                    var message = $"Moved away from {remove.WorkerId}, but its old session there could not be removed ({ex.Message}). Remove it on that server (Gateways page) once it answers.";
                    s.Events.Publish(new AlertRaised(id, _state.Name, message, now));
                }

                break;
            case LogoutEngine:
                await s.Engine.LogoutSessionAsync(id, stopping);
                break;
            case DeleteGenerationFolder delete:
                s.Folders.DeleteGeneration(id, delete.Generation);
                break;
            case ScheduleDeadline deadline:
                s.Deadlines.Schedule(id, deadline.Kind, deadline.At, deadline.Token);
                break;
            case RaiseAlert alert:
                s.Logger.LogWarning("Alert for {AccountId} ({Phone}): {Alert}", id, _state.Phone.Masked, alert.Message);
                s.Events.Publish(new AlertRaised(id, _state.Name, alert.Message, now));
                break;
            case QuarantineSessionFolder quarantine:
                var moved = s.Repairs.QuarantineGeneration(id, quarantine.Generation, quarantine.Reason);
                if (!moved.Done)
                {
                    s.Logger.LogError("Could not quarantine generation {Generation} of {AccountId}: {Message}", quarantine.Generation, id, moved.Message);
                }

                s.Events.Publish(new SessionStorageChanged(id));
                break;
            case RepairSessionFolder repair:
                var outcome = s.Repairs.Run(id, repair.Generation, repair.Repair);
                s.Events.Publish(new SessionStorageChanged(id));
                return (new CommandResult(outcome.Done ? CommandOutcome.Done : CommandOutcome.Refused, outcome.Message) { BytesFreed = outcome.BytesFreed }, null);
            case CheckSessionFolder check when s.Engine.IsRemote(id):
                return (null, new SessionFolderChecked(check.Purpose, check.Token, false, true, $"The session is kept on {_state.WorkerId}, not in a local folder."));
            case CheckSessionFolder check:
                var found = s.Repairs.Check(id, check.Generation, deep: true);
                return (null, new SessionFolderChecked(check.Purpose, check.Token, found.Corrupt, found.LoginPresent, found.Detail));
        }

        return (null, null);
    }
}
