using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;

namespace WaDashboard.Core.StorageJobs;

/// <summary>The fleet cleanup moved on; pages showing its progress re-render.</summary>
public sealed record CleanupProgressed(CleanupProgress Progress) : FleetEvent;
