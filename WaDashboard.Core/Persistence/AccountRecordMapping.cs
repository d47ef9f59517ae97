using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Persistence;

internal static class AccountRecordMapping
{
    public static AccountRecord ToRecord(this AccountState s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Phone = s.Phone.Value,
        CreatedAt = s.CreatedAt,
        WorkerId = s.WorkerId,
        Status = s.Status.ToString(),
        StatusSince = s.StatusSince,
        Reason = s.Reason?.ToString(),
        RawCode = Clip(s.RawCode, 100),
        RawText = Clip(s.RawText, 1000),
        Generation = s.Generation,
        SessionLinked = s.SessionLinked,
        LinkedJid = s.LinkedJid,
        PushName = s.PushName,
        ReconnectAttempt = s.ReconnectAttempt,
        NextAttemptAt = s.NextAttemptAt,
        FailingSince = s.FailingSince,
        BannedUntil = s.BannedUntil,
        AutoReconnectPaused = s.AutoReconnectPaused,
        Note = Clip(s.Note, 1000),
    };

    public static AccountState ToState(this AccountRecord r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        Phone = PhoneNumber.Parse(r.Phone),
        CreatedAt = r.CreatedAt,
        WorkerId = string.IsNullOrEmpty(r.WorkerId) ? AccountState.DefaultWorkerId : r.WorkerId,
        Status = Enum.TryParse<AccountStatus>(r.Status, out var status) ? status : AccountStatus.New,
        StatusSince = r.StatusSince,
        Reason = Enum.TryParse<DisconnectReason>(r.Reason, out var reason) ? reason : null,
        RawCode = r.RawCode,
        RawText = r.RawText,
        Generation = r.Generation,
        SessionLinked = r.SessionLinked,
        LinkedJid = r.LinkedJid,
        PushName = r.PushName,
        ReconnectAttempt = r.ReconnectAttempt,
        NextAttemptAt = r.NextAttemptAt,
        FailingSince = r.FailingSince,
        BannedUntil = r.BannedUntil,
        AutoReconnectPaused = r.AutoReconnectPaused,
        Note = r.Note,
    };

    public static TimelineEntryRecord ToRecord(this TimelineEntry e, string accountId) => new()
    {
        AccountId = accountId,
        At = e.At,
        FromStatus = e.From.ToString(),
        ToStatus = e.To.ToString(),
        Reason = e.Reason?.ToString(),
        RawCode = Clip(e.RawCode, 100),
        RawText = Clip(e.RawText, 1000),
        Note = Clip(e.Note, 1000),
        NextAttemptAt = e.NextAttemptAt,
    };

    public static TimelineEntry ToEntry(this TimelineEntryRecord r) => new(
        r.At,
        Enum.TryParse<AccountStatus>(r.FromStatus, out var from) ? from : AccountStatus.New,
        Enum.TryParse<AccountStatus>(r.ToStatus, out var to) ? to : AccountStatus.New,
        Enum.TryParse<DisconnectReason>(r.Reason, out var reason) ? reason : null,
        r.RawCode,
        r.RawText,
        r.Note,
        r.NextAttemptAt);

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
