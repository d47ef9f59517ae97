namespace WaDashboard.Core.Engines;

/// <summary>An event from an engine about one account's session of one generation.</summary>
public abstract record EngineEvent(string AccountId, int Generation)
{
    /// <summary>The trace the event was raised in (a webhook's request), so that its handling joins that trace. Not part of equality.</summary>
    public System.Diagnostics.ActivityContext RaisedIn { get; init; } = System.Diagnostics.Activity.Current?.Context ?? default;

    public virtual bool Equals(EngineEvent? other) =>
        other is not null && EqualityContract == other.EqualityContract && AccountId == other.AccountId && Generation == other.Generation;

    public override int GetHashCode() => HashCode.Combine(EqualityContract, AccountId, Generation);
}

public sealed record QrIssued(string AccountId, int Generation, string Value, DateTimeOffset ExpiresAt, int Index, int Total)
    : EngineEvent(AccountId, Generation);

public sealed record PairingCodeIssued(string AccountId, int Generation, string Code, DateTimeOffset ExpiresAt)
    : EngineEvent(AccountId, Generation);

/// <summary>The phone accepted the link; the login is written to the session folder.</summary>
public sealed record Authenticated(string AccountId, int Generation) : EngineEvent(AccountId, Generation);

public sealed record SessionConnected(string AccountId, int Generation, string Jid, string? PushName)
    : EngineEvent(AccountId, Generation);

public sealed record SessionDisconnected(string AccountId, int Generation, string? RawCode, string? RawText)
    : EngineEvent(AccountId, Generation);

public sealed record KeepAliveTimedOut(string AccountId, int Generation) : EngineEvent(AccountId, Generation);

public sealed record KeepAliveRestored(string AccountId, int Generation) : EngineEvent(AccountId, Generation);

public sealed record TemporaryBanned(string AccountId, int Generation, string Code, DateTimeOffset? Until)
    : EngineEvent(AccountId, Generation);

/// <summary>A restore-only start found no usable login in the folder.</summary>
public sealed record NoValidSession(string AccountId, int Generation, string Detail) : EngineEvent(AccountId, Generation);

public sealed record MessageAcknowledged(string AccountId, int Generation, string MessageId, string Ack)
    : EngineEvent(AccountId, Generation);
