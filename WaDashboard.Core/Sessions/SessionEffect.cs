using WaDashboard.Core.Engines;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.Sessions;

/// <summary>Side effects a transition asks the supervisor to carry out, in order.</summary>
public abstract record SessionEffect;

public sealed record StartEngine(int Generation, LinkMode Link, long StartToken) : SessionEffect;

public sealed record StopEngine : SessionEffect;

public sealed record LogoutEngine : SessionEffect;

/// <summary>Only ever emitted for an explicit logout or relink request, never for a connection failure.</summary>
public sealed record DeleteGenerationFolder(int Generation) : SessionEffect;

/// <summary>Remove the account's session from a worker it no longer runs on (logout and delete on a gateway).</summary>
public sealed record RemoveSessionFromWorker(string WorkerId, int Generation) : SessionEffect;

public sealed record ScheduleDeadline(DeadlineKind Kind, DateTimeOffset At, long Token) : SessionEffect;

public sealed record RaiseAlert(string Message) : SessionEffect;

/// <summary>Back up creds.json, then move the generation's folder into the quarantine (kept for the retention period).</summary>
public sealed record QuarantineSessionFolder(int Generation, string Reason) : SessionEffect;

/// <summary>Carry out a storage repair on a folder that is not in use; its outcome answers the command.</summary>
public sealed record RepairSessionFolder(int Generation, FolderRepair Repair) : SessionEffect;

/// <summary>Inspect the generation's folder and feed the result back as <see cref="SessionFolderChecked"/>.</summary>
public sealed record CheckSessionFolder(int Generation, long Token, FolderCheckPurpose Purpose) : SessionEffect;
