namespace WaDashboard.Core.Accounts;

public enum AccountStatus
{
    /// <summary>Created, never linked.</summary>
    New,
    Starting,
    AwaitingQrScan,
    AwaitingPairingCode,
    Connected,
    /// <summary>Dropped; the reason says whether it comes back by itself.</summary>
    Disconnected,
    /// <summary>Waiting for the next automatic attempt.</summary>
    Reconnecting,
    LoggedOut,
    Replaced,
    Banned,
    SessionCorrupt,
    /// <summary>The QR refs or the pairing code ran out before the phone linked.</summary>
    QrExpired,
    /// <summary>The reconnect budget is spent.</summary>
    GaveUp,
    /// <summary>An operator stopped the session.</summary>
    Stopped,
}

public static class AccountStatusRules
{
    /// <summary>Starting, waiting for a QR scan or pairing code, or connected: the session is in use.</summary>
    public static bool IsActive(this AccountStatus status) =>
        status is AccountStatus.Starting or AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode or AccountStatus.Connected;
}
