using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Accounts;

/// <summary>One change of an account's state: when, from what, to what, why, and what was decided.</summary>
public sealed record TimelineEntry(
    DateTimeOffset At,
    AccountStatus From,
    AccountStatus To,
    DisconnectReason? Reason,
    string? RawCode,
    string? RawText,
    string? Note,
    DateTimeOffset? NextAttemptAt);
