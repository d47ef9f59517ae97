namespace WaDashboard.Core.Accounts;

/// <summary>A disconnect normalized from an engine's raw code or event.</summary>
public enum DisconnectReason
{
    ConnectionLost,
    Timeout,
    KeepAliveTimeout,
    RestartRequired,
    ServiceUnavailable,
    Replaced,
    LoggedOut,
    Banned,
    SessionCorrupt,
    ClientOutdated,
    Unknown,
}

/// <summary>What a reason means for a person and for the reconnect policy.</summary>
public sealed record ReasonInfo(DisconnectReason Reason, string Title, string Explanation, bool AutoReconnect, string OperatorAction);
