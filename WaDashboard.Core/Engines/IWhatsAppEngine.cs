namespace WaDashboard.Core.Engines;

/// <summary>How a session start may link when the folder holds no valid login.</summary>
public enum LinkMode
{
    /// <summary>Restore only: without a valid login the engine reports <see cref="NoValidSession"/>, never a QR.</summary>
    None,
    Qr,
    PairingCode,
}

public sealed record SessionStartRequest(string AccountId, int Generation, string Folder, LinkMode Link, string PhoneDigits);

public sealed record EngineSendResult(bool Accepted, string? MessageId, string? Error);

/// <summary>What the engine itself knows of a session (for drift reconciliation).</summary>
public sealed record EngineSessionInfo(string AccountId, int Generation, bool Connected);

/// <summary>
/// The port every engine (the simulator, later real gateways) implements. Its events come out of
/// <see cref="Events"/>, a bounded channel that the fleet's event pump drains; every event carries the
/// generation it belongs to, so a late event of an old session can never move a newer one.
/// </summary>
public interface IWhatsAppEngine
{
    string Name { get; }

    Task StartSessionAsync(SessionStartRequest request, CancellationToken cancellationToken);

    /// <summary>Closes the connection, keeps the login on disk.</summary>
    Task StopSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Logs the linked device out on WhatsApp's side and closes the session.</summary>
    Task LogoutSessionAsync(string accountId, CancellationToken cancellationToken);

    Task<EngineSendResult> SendTextAsync(string accountId, string toDigits, string text, CancellationToken cancellationToken);

    Task<EngineSessionInfo?> GetSessionAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Asks a connected session to answer (a ping through to WhatsApp); false when it does not.</summary>
    Task<bool> ProbeAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Every session the engine holds right now, for drift reconciliation.</summary>
    Task<IReadOnlyCollection<EngineSessionInfo>> ListSessionsAsync(CancellationToken cancellationToken);

    System.Threading.Channels.ChannelReader<EngineEvent> Events { get; }
}
