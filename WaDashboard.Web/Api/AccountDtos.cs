using System.Text.Json.Serialization;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Web.Api;

public sealed record CreateAccountRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("phone")] string? Phone,
    [property: JsonPropertyName("worker_id")] string? WorkerId = null);

public sealed record MoveAccountRequest([property: JsonPropertyName("worker_id")] string? WorkerId);

public sealed record MoveAccountResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("worker_id")] string WorkerId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("needs_relink")] bool NeedsRelink);

public sealed record AccountDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_label")] string StatusLabel,
    [property: JsonPropertyName("status_since")] DateTimeOffset StatusSince,
    [property: JsonPropertyName("connected")] bool Connected,
    [property: JsonPropertyName("logged_in")] bool LoggedIn,
    [property: JsonPropertyName("reconnecting")] bool Reconnecting,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("disconnect_reason")] string? DisconnectReason,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("generation")] int Generation,
    [property: JsonPropertyName("worker_id")] string WorkerId,
    [property: JsonPropertyName("what_happened")] string WhatHappened,
    [property: JsonPropertyName("next_step")] string NextStep)
{
    public static AccountDto From(AccountState s, DateTimeOffset now)
    {
        var description = AccountStatusDescription.Describe(s, now);
        return new(s.Id, s.Name, s.Phone.Value, s.Status.ToString(), description.Label, s.StatusSince, s.IsConnected, s.SessionLinked,
            s.Status is AccountStatus.Reconnecting or AccountStatus.Starting && s.ReconnectAttempt > 0,
            FormatLastError(s), s.IsConnected ? null : s.Reason?.ToString(), s.NextAttemptAt, s.Generation, s.WorkerId, description.WhatHappened, description.NextStep);
    }

    public static string? FormatLastError(AccountState s) =>
        s.RawCode is null && s.RawText is null ? null : $"{s.RawCode}: {s.RawText}".Trim(' ', ':');
}

public sealed record DisconnectReasonDto(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("connected")] bool Connected,
    [property: JsonPropertyName("logged_in")] bool LoggedIn,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reconnecting")] bool Reconnecting,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("disconnect_reason")] string? DisconnectReason,
    [property: JsonPropertyName("can_auto_reconnect")] bool CanAutoReconnect,
    [property: JsonPropertyName("auto_reconnect_enabled")] bool AutoReconnectEnabled,
    [property: JsonPropertyName("consecutive_failures")] int ConsecutiveFailures,
    [property: JsonPropertyName("worker_id")] string WorkerId,
    [property: JsonPropertyName("raw_code")] string? RawCode,
    [property: JsonPropertyName("raw_text")] string? RawText,
    [property: JsonPropertyName("explanation")] string? Explanation,
    [property: JsonPropertyName("operator_action")] string? OperatorAction,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt)
{
    public static DisconnectReasonDto From(AccountState s)
    {
        var workerId = s.WorkerId;
        var info = s.Reason is { } reason ? ReasonCatalog.Get(reason) : null;
        var canAuto = s.SessionLinked && (info?.AutoReconnect ?? true)
                      && s.Status is not (AccountStatus.LoggedOut or AccountStatus.Replaced or AccountStatus.Banned or AccountStatus.SessionCorrupt or AccountStatus.GaveUp);
        return new(s.Phone.Value, s.IsConnected, s.SessionLinked, s.Status.ToString(),
            s.Status == AccountStatus.Reconnecting || (s.Status == AccountStatus.Starting && s.ReconnectAttempt > 0),
            AccountDto.FormatLastError(s), s.IsConnected ? null : s.Reason?.ToString(), canAuto, !s.AutoReconnectPaused,
            s.ReconnectAttempt, workerId, s.RawCode, s.RawText, info?.Explanation, info?.OperatorAction, s.NextAttemptAt);
    }
}

public sealed record StatusDto(
    [property: JsonPropertyName("connectionStatus")] string ConnectionStatus,
    [property: JsonPropertyName("isConnected")] bool IsConnected,
    [property: JsonPropertyName("isDisconnected")] bool IsDisconnected,
    [property: JsonPropertyName("hasQRCode")] bool HasQrCode,
    [property: JsonPropertyName("canReconnect")] bool CanReconnect)
{
    public static StatusDto From(AccountState s) => new(
        s.Status.ToString(), s.IsConnected,
        s.Status is not (AccountStatus.Connected or AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode),
        s.Qr is not null, !s.IsConnected && !(s.Status == AccountStatus.Banned && s.BannedUntil is null));
}

public sealed record ReconnectResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("qr_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? QrCode = null,
    [property: JsonPropertyName("qr_raw"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? QrRaw = null,
    [property: JsonPropertyName("pairing_code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PairingCode = null);

public sealed record PendingResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("retryIn")] int RetryIn);

public sealed record QrDto(
    [property: JsonPropertyName("qr")] string Qr,
    [property: JsonPropertyName("qr_code")] string QrCodeDataUrl,
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

public sealed record LinkRequest(string? Mode);

public sealed record FaultRequest(string? Kind, string? Code, string? Text, DateTimeOffset? Until, double? Seconds, int? Count = null);
