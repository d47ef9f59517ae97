using WaDashboard.Core.Engines;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>Everything that can change an account goes through its supervisor's queue as one of these.</summary>
public abstract record SupervisorInput;

/// <summary>A person's (or the host's) request. Commands get a <see cref="CommandResult"/> back.</summary>
public abstract record SessionCommand : SupervisorInput;

/// <summary>A person asks to link a phone: new session generation, then a QR or a pairing code.</summary>
public sealed record LinkCommand(LinkMode Mode) : SessionCommand;

/// <summary>Click-to-reconnect. <paramref name="Force"/> restarts even a connected or banned account.</summary>
public sealed record ReconnectCommand(bool Force = false) : SessionCommand;

/// <summary>Explicit logout: the device is unlinked and this generation's folder deleted.</summary>
public sealed record LogoutCommand : SessionCommand;

/// <summary>Operator stop: the connection closes, the login stays.</summary>
public sealed record StopCommand : SessionCommand;

/// <summary>
/// A person clears the session: the current generation's folder goes to the quarantine (creds.json backed up first)
/// and a new generation starts with a fresh QR code.
/// </summary>
public sealed record ClearSessionCommand : SessionCommand;

/// <summary>A repair of the account's session folder; refused while the session is in use.</summary>
public sealed record MaintainSessionCommand(FolderRepair Repair) : SessionCommand;

/// <summary>
/// A person moves the account to another worker (a gateway server or the simulator). The session on the old worker is
/// removed and the account must be linked again on the new one: a WhatsApp login cannot be carried between servers.
/// </summary>
public sealed record MoveToWorkerCommand(string WorkerId) : SessionCommand;

/// <summary>Sent once per account when the host starts.</summary>
public sealed record RestoreCommand : SessionCommand;

/// <summary>
/// The engine lost (or never had) a session this account believes is live. <paramref name="Token"/> is the
/// start the observation was made for, so an observation that raced with a newer start changes nothing.
/// </summary>
public sealed record DriftDetected(string Detail, long Token) : SessionCommand;

/// <summary>A connected session failed its liveness probe: it says connected but does not answer.</summary>
public sealed record ZombieDetected(long Token) : SupervisorInput;

public sealed record EngineEventInput(EngineEvent Event) : SupervisorInput;

public enum FolderCheckPurpose
{
    /// <summary>Before a restore-only start: a corrupt session is not handed to the engine.</summary>
    BeforeStart,
    /// <summary>After the start retries ran out: is the folder the reason?</summary>
    AfterStartTimeouts,
    /// <summary>After a creds.json backup was put back: does it hold a login?</summary>
    AfterRestore,
}

/// <summary>What the supervisor found when it checked the session folder; <paramref name="Token"/> ties it to the start it was made for.</summary>
public sealed record SessionFolderChecked(FolderCheckPurpose Purpose, long Token, bool Corrupt, bool LoginPresent, string Detail) : SupervisorInput;

public enum DeadlineKind
{
    ReconnectDue,
    StartTimeout,
}

/// <summary>A scheduled deadline came due; <paramref name="Token"/> ties it to the start it was set for.</summary>
public sealed record DeadlineReached(DeadlineKind Kind, long Token) : SupervisorInput;

public enum CommandOutcome
{
    /// <summary>The command started an operation.</summary>
    Started,
    /// <summary>The same operation is already under way; the command joined it.</summary>
    InProgress,
    /// <summary>Nothing to do: the account is already connected.</summary>
    AlreadyConnected,
    /// <summary>Done at once.</summary>
    Done,
    /// <summary>Refused; the message says why and what to do.</summary>
    Refused,
}

public sealed record CommandResult(CommandOutcome Outcome, string Message)
{
    /// <summary>Space a storage repair freed at once.</summary>
    public long BytesFreed { get; init; }

    public bool Accepted => Outcome is CommandOutcome.Started or CommandOutcome.InProgress or CommandOutcome.Done;
}
