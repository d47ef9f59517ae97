using System.Collections.Immutable;
using WaDashboard.Core.Reconnect;

namespace WaDashboard.Core.Accounts;

/// <summary>A QR ref on screen: the value to render, when it expires, and which of the engine's refs it is.</summary>
public sealed record QrCodeInfo(string Value, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, int Index, int Total);

/// <summary>A pairing code to type on the phone, shown as XXXX-XXXX.</summary>
public sealed record PairingCodeInfo(string Code, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    public string Display => Code.Length == 8 ? $"{Code[..4]}-{Code[4..]}" : Code;
}

/// <summary>
/// Everything known about one account. Immutable: the supervisor replaces it with the result of a
/// <c>SessionTransitions.Apply</c>. QR and pairing codes are never persisted; the rest is.
/// </summary>
public sealed record AccountState
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required PhoneNumber Phone { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The worker the account's session runs on: "simulator" or a gateway server's id (<c>worker_id</c> in the API).</summary>
    public string WorkerId { get; init; } = DefaultWorkerId;

    public const string DefaultWorkerId = "simulator";

    public AccountStatus Status { get; init; } = AccountStatus.New;
    public required DateTimeOffset StatusSince { get; init; }

    /// <summary>The last disconnect's normalized reason, with the engine's raw code and text beside it.</summary>
    public DisconnectReason? Reason { get; init; }
    public string? RawCode { get; init; }
    public string? RawText { get; init; }

    /// <summary>Session generation: a new one for every fresh link; its folder is sessions/{Id}/{Generation}.</summary>
    public int Generation { get; init; }

    /// <summary>True while the current generation holds a linked login (creds) that can be restored without a QR.</summary>
    public bool SessionLinked { get; init; }

    public string? LinkedJid { get; init; }
    public string? PushName { get; init; }

    /// <summary>Automatic attempts since the last successful connection.</summary>
    public int ReconnectAttempt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the current run of failures started; the reconnect budget counts from here.</summary>
    public DateTimeOffset? FailingSince { get; init; }

    public DateTimeOffset? BannedUntil { get; init; }

    /// <summary>Set by the loop breaker; a person's Reconnect clears it.</summary>
    public bool AutoReconnectPaused { get; init; }

    /// <summary>Recent disconnect times, for the loop breaker.</summary>
    public ImmutableArray<DateTimeOffset> RecentDisconnects { get; init; } = [];

    /// <summary>Restore starts in a row that hung past the start timeout; reset by a connection or a person. Not persisted.</summary>
    public int StartTimeouts { get; init; }

    /// <summary>Identifies the current connect attempt so a late start timeout cannot hit a newer one. Not persisted.</summary>
    public long StartToken { get; init; }

    public QrCodeInfo? Qr { get; init; }
    public PairingCodeInfo? PairingCode { get; init; }

    /// <summary>A one-line note on the latest change, e.g. what was decided.</summary>
    public string? Note { get; init; }

    public bool IsConnected => Status == AccountStatus.Connected;

    /// <summary>
    /// Connected in this run of the dashboard. A status loaded from the database is only the last one known before a
    /// restart (its <see cref="StartToken"/>, never persisted, is 0 until the session is restored); every connection made
    /// in this run came from a start, which raised the token. Sending requires this, not just <see cref="IsConnected"/>.
    /// </summary>
    public bool HasLiveConnection => Status == AccountStatus.Connected && StartToken > 0;
}
