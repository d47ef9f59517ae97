using WaDashboard.Core.Accounts;

namespace WaDashboard.Web.Components.Pages.Accounts;

public enum AccountFixKind
{
    /// <summary>Nothing to do (connected, or the system is on it).</summary>
    None,
    /// <summary>Never linked or the code ran out: ask for a QR and show it.</summary>
    Link,
    /// <summary>The login is gone: new session generation, fresh QR.</summary>
    Relink,
    /// <summary>The saved session is fine: restart it, no QR.</summary>
    Reconnect,
    /// <summary>Waiting for backoff: try now.</summary>
    RetryNow,
    /// <summary>A QR or pairing code is on screen: open the account to scan it.</summary>
    Open,
}

/// <summary>The one button that fixes an account in its current state. Pure.</summary>
public sealed record AccountFix(AccountFixKind Kind, string Label)
{
    public static AccountFix For(AccountState s, DateTimeOffset now) => s.Status switch
    {
        AccountStatus.New or AccountStatus.QrExpired => new(AccountFixKind.Link, "Link"),
        AccountStatus.LoggedOut or AccountStatus.SessionCorrupt => new(AccountFixKind.Relink, "Relink"),
        AccountStatus.AwaitingQrScan or AccountStatus.AwaitingPairingCode => new(AccountFixKind.Open, "Open code"),
        AccountStatus.Reconnecting => new(AccountFixKind.RetryNow, "Retry now"),
        AccountStatus.Banned when s.BannedUntil is { } until && until > now => new(AccountFixKind.None, ""),
        AccountStatus.Banned or AccountStatus.Disconnected or AccountStatus.GaveUp or AccountStatus.Stopped or AccountStatus.Replaced
            => new(s.SessionLinked ? AccountFixKind.Reconnect : AccountFixKind.Relink, s.SessionLinked ? "Reconnect" : "Relink"),
        _ => new(AccountFixKind.None, ""),
    };

    /// <summary>Whether the fix ends with a code for a person to scan, so the account page should open.</summary>
    public bool ShowsCode => Kind is AccountFixKind.Link or AccountFixKind.Relink or AccountFixKind.Open;
}
