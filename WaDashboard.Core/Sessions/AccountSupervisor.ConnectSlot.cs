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

/// <summary>The fleet-wide connect gate: a start waits for a slot beside the loop, and the slot is given back once the start is over.</summary>
public sealed partial class AccountSupervisor
{
    /// <summary>Waits for a connect slot, then hands it to the loop as an input. Never blocks the loop.</summary>
    private async Task WaitForSlotAsync(long token, CancellationToken cancellationToken)
    {
        await _services.Gate.AcquireAsync(cancellationToken);
        Volatile.Write(ref _slotGrantedNotTaken, 1);
        if (!await TryWriteAsync(new Envelope(new ConnectSlotGranted(token), null), CancellationToken.None)
            && Interlocked.Exchange(ref _slotGrantedNotTaken, 0) == 1)
        {
            _services.Gate.Release();
        }
    }

    private async Task<SupervisorInput?> OnSlotGrantedAsync(CancellationToken stopping)
    {
        if (Interlocked.Exchange(ref _slotGrantedNotTaken, 0) == 0)
        {
            return null;
        }

        _holdsConnectSlot = true;
        var start = _pendingStart;
        _pendingStart = null;
        if (start is not null && _state.Status == AccountStatus.Starting && start.StartToken == _state.StartToken)
        {
            return await IssueStartAsync(start, stopping);
        }

        return null;
    }

    /// <summary>
    /// Starts the engine session. A restore-only start checks the folder first (smart initialize): a corrupt session is
    /// not handed to the engine; the check's result comes back as the input to process next.
    /// </summary>
    private async Task<SupervisorInput?> IssueStartAsync(StartEngine start, CancellationToken stopping)
    {
        var s = _services;
        var id = _state.Id;
        if (start.Link == LinkMode.None && !s.Engine.IsRemote(id))
        {
            var check = s.Repairs.Check(id, start.Generation, deep: false);
            if (check.Corrupt)
            {
                s.Logger.LogWarning("Session of {AccountId} generation {Generation} is corrupt; not starting it: {Detail}", id, start.Generation, check.Detail);
                return new SessionFolderChecked(FolderCheckPurpose.BeforeStart, start.StartToken, true, check.LoginPresent, check.Detail);
            }
        }

        var folder = s.Folders.GenerationFolder(id, start.Generation);
        await s.Engine.StartSessionAsync(new SessionStartRequest(id, start.Generation, folder, start.Link, _state.Phone.Digits), stopping);
        var issuedAt = s.Time.GetUtcNow();
        LastStart = (issuedAt, start.StartToken);
        s.Deadlines.Schedule(id, DeadlineKind.StartTimeout, issuedAt + s.Reconnect.StartTimeout, start.StartToken);
        return null;
    }
}
