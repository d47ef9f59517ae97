using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Storage;

/// <summary>Something in the session folders changed (a repair, a quarantine, a cleanup step); null means the whole root.</summary>
public sealed record SessionStorageChanged(string? AccountId) : FleetEvent;

/// <summary>The fleet cleanup moved on; pages showing its progress re-render.</summary>
public sealed record CleanupProgressed(CleanupProgress Progress) : FleetEvent;
