using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Persistence;

/// <summary>An account row. Times are stored as UTC ticks (provider-neutral, orderable).</summary>
public sealed class AccountRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Phone { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public string WorkerId { get; set; } = AccountState.DefaultWorkerId;
    public string Status { get; set; } = "";
    public DateTimeOffset StatusSince { get; set; }
    public string? Reason { get; set; }
    public string? RawCode { get; set; }
    public string? RawText { get; set; }
    public int Generation { get; set; }
    public bool SessionLinked { get; set; }
    public string? LinkedJid { get; set; }
    public string? PushName { get; set; }
    public int ReconnectAttempt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? FailingSince { get; set; }
    public DateTimeOffset? BannedUntil { get; set; }
    public bool AutoReconnectPaused { get; set; }
    public string? Note { get; set; }
}

/// <summary>One change of an account's state, kept for its timeline.</summary>
public sealed class TimelineEntryRecord
{
    public long Id { get; set; }
    public string AccountId { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string FromStatus { get; set; } = "";
    public string ToStatus { get; set; } = "";
    public string? Reason { get; set; }
    public string? RawCode { get; set; }
    public string? RawText { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
}

/// <summary>Size and key-file counts of one session folder at one time, to measure growth.</summary>
public sealed class SessionSnapshotRecord
{
    public long Id { get; set; }
    public string AccountId { get; set; } = "";
    public int Generation { get; set; }
    public DateTimeOffset At { get; set; }
    public long SizeBytes { get; set; }
    public int FileCount { get; set; }

    /// <summary>JSON object: key type → count.</summary>
    public string KeyFileCounts { get; set; } = "{}";
}
